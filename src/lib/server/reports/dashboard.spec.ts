import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { insertCapture } from '../gates/captures.repo.ts';
import { gateWithKey, testJpeg } from '../gates/testing.ts';
import { LocalImageStore } from '../storage/local.ts';
import { lotsNow, periodStarts, dashboard } from './dashboard.ts';
import { makeFixture, seedFixture } from './fixture.ts';
import { localDateAt, formatLocalDate } from '../../parking/time-zone.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START = Date.UTC(2026, 9, 20);
const END = Date.UTC(2026, 10, 10);
// Wednesday 2026-11-04, 15:00 IST
const NOW = Date.UTC(2026, 10, 4, 9, 30);
const fixture = makeFixture(START, END);

describe('periodStarts', () => {
	test('in Asia/Kolkata on Wednesday 2026-11-04: that midnight, Monday 2026-11-02 and 2026-11-01, local', () => {
		expect(periodStarts(NOW, 'Asia/Kolkata')).toEqual({
			day: Date.UTC(2026, 10, 3, 18, 30),
			week: Date.UTC(2026, 10, 1, 18, 30),
			month: Date.UTC(2026, 9, 31, 18, 30)
		});
	});
});

describe.each(ENGINES)('the Now dashboard on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		await seedFixture(tdb.db, fixture);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('counts per lot equal the fixture’s rows, counted by hand', async () => {
		const board = await lotsNow(tdb.db, NOW);
		for (const lot of fixture.lots) {
			const got = board.lots.find((l) => l.id === lot.id)!;
			const day = (at: number) => formatLocalDate(localDateAt(at, lot.timeZone));
			const today = day(NOW);
			const s = periodStarts(NOW, lot.timeZone);
			const mine = fixture.sessions.filter((x) => x.lotId === lot.id);
			const pays = fixture.payments.filter((p) => p.lotId === lot.id && p.at <= NOW);
			expect(got.entries).toBe(mine.filter((x) => x.status !== 'voided' && x.entryAt <= NOW && day(x.entryAt) === today).length);
			expect(got.exits).toBe(mine.filter((x) => x.status === 'completed' && x.exitAt! <= NOW && day(x.exitAt!) === today).length);
			expect(got.revenueToday).toBe(pays.filter((p) => day(p.at) === today).reduce((n, p) => n + p.amountPaise, 0));
			expect(got.revenueWeek).toBe(pays.filter((p) => p.at >= s.week).reduce((n, p) => n + p.amountPaise, 0));
			expect(got.revenueMonth).toBe(pays.filter((p) => day(p.at).slice(0, 7) === today.slice(0, 7)).reduce((n, p) => n + p.amountPaise, 0));
			expect(got.openAnomalies).toBe(fixture.anomalies.filter((a) => a.lotId === lot.id && a.status === 'open').length);
			expect(got.occupied).toBe(mine.filter((x) => x.status === 'active').length);
		}
	});

	test.skipIf(skip)('gates with status and their latest capture photo link', async () => {
		const images = new LocalImageStore(join(mkdtempSync(join(tmpdir(), 'spms-dash-')), 'images'), () => NOW);
		const { gate } = await gateWithKey(tdb.db, 'lot-blr', 'exit', NOW);
		await images.put('captures/t/one.jpg', testJpeg(), 'image/jpeg');
		await tdb.db.run((x) =>
			insertCapture(x, { id: 'cap-1', gateId: gate.id, lotId: 'lot-blr', idempotencyKey: 'k1', status: 'done', capturedAt: NOW - 1000, receivedAt: NOW - 900, imageKey: 'captures/t/one.jpg', decision: 'hold', plate: 'KA01AB1', confidence: 0.4, reason: 'low_confidence', sessionId: null, amountDuePaise: null, answer: null, updatedAt: NOW })
		);
		const d = await dashboard(tdb.db, images, NOW);
		const g = d.gates.find((x) => x.id === gate.id)!;
		expect(g.lastCapture).toMatchObject({ id: 'cap-1', plate: 'KA01AB1', decision: 'hold' });
		expect(g.lastCapture!.imageUrl).toMatch(/^\/api\/v1\/storage\//);
		expect(d.held.map((h) => h.id)).toEqual(['cap-1']);
		expect(d.held[0]!.gateName).toBe(gate.name);
	});
});
