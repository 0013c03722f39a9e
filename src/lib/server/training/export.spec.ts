import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { insertCapture } from '../gates/captures.repo.ts';
import { insertCommand } from '../gates/commands.repo.ts';
import { gateWithKey, testJpeg } from '../gates/testing.ts';
import { createLot } from '../parking/lots.ts';
import { LocalImageStore } from '../storage/local.ts';
import { exportTrainingData, labelLine, splitOf, trainingExamples } from './export.ts';

const NOW = Date.UTC(2026, 10, 2, 6, 0);
const DAY = 86_400_000;

describe.each(ENGINES)('training-data export on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	const images = new LocalImageStore(join(mkdtempSync(join(tmpdir(), 'spms-train-')), 'images'), () => NOW);
	let lotId = '';

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		const lot = await createLot(tdb.db, { name: 'Forum Mall', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, NOW - 100 * DAY);
		lotId = lot.id;
		const { gate } = await gateWithKey(tdb.db, lot.id, 'entry', NOW);
		// a capture the camera read as KA01A81234, corrected by a person to KA01AB1234; one let through by hand 40 days ago (past retention); one never resolved
		const rows = [
			{ id: 'c-fixed', at: NOW - DAY, plate: 'KA01AB1234', read: 'KA01A81234', by: 'op-1' },
			{ id: 'c-old', at: NOW - 40 * DAY, plate: 'KA01AB0001', read: 'KA01AB0001', by: 'op-1' },
			{ id: 'c-open', at: NOW - DAY, plate: 'KA01AB0002', read: 'KA01AB0002', by: null }
		];
		for (const r of rows) {
			const key = `captures/t/${r.id}.jpg`;
			await images.put(key, testJpeg(), 'image/jpeg');
			await tdb.db.run(async (x) => {
				await insertCapture(x, { id: r.id, gateId: gate.id, lotId: lot.id, idempotencyKey: r.id, status: 'done', capturedAt: r.at, receivedAt: r.at, imageKey: key, decision: 'hold', plate: r.plate, confidence: 0.5, reason: 'low_confidence', sessionId: null, amountDuePaise: null, answer: { plate: r.read }, updatedAt: r.at });
				if (r.by) await insertCommand(x, { id: `cmd-${r.id}`, gateId: gate.id, command: 'open', reason: 'checked', captureId: r.id, issuedBy: r.by, issuedAt: r.at + 1000, expiresAt: r.at + 120_000, deliveredAt: null, ackedAt: null });
			});
		}
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('held captures a person let through are examples, within retention, the correction kept', async () => {
		const ex = await trainingExamples(tdb.db, { from: NOW - 365 * DAY, until: NOW }, NOW);
		expect(ex.map((e) => [e.captureId, e.text, e.read])).toEqual([['c-fixed', 'KA01AB1234', 'KA01A81234']]);
		expect(await trainingExamples(tdb.db, { from: NOW - 365 * DAY, until: NOW, excludeLotIds: [lotId] }, NOW)).toEqual([]);
	});

	test.skipIf(skip)('the archive holds labels.jsonl and the image in the shared datasets layout', async () => {
		const { archive, examples } = await exportTrainingData(tdb.db, images, { from: NOW - 365 * DAY, until: NOW }, 'spms-training-x', NOW);
		expect(examples).toBe(1);
		const text = new TextDecoder().decode(archive);
		expect(text).toContain('spms-training-x/labels.jsonl');
		expect(text).toMatch(/spms-training-x\/images\/KA01AB1234-[0-9a-f]{6}\.jpg/);
		const line = JSON.parse(text.slice(text.indexOf('{"image"'), text.indexOf('\n', text.indexOf('{"image"'))));
		expect(line).toMatchObject({ plates: [{ text: 'KA01AB1234', box: null, corners: null, lines: null }], country: 'in', kind: 'scene', synthetic: false, orig: 'capture:c-fixed', camera_read: 'KA01A81234' });
	});
});

test('the split is by plate text, about one in ten to val', () => {
	const plates = Array.from({ length: 2000 }, (_, i) => `KA01AB${1000 + i}`);
	const val = plates.filter((p) => splitOf(p) === 'val').length;
	expect(val / plates.length).toBeGreaterThan(0.07);
	expect(val / plates.length).toBeLessThan(0.13);
	expect(JSON.parse(labelLine({ captureId: 'c', lotId: 'l', imageKey: 'k', text: 'X1', read: null, source: 'held-capture', at: 0 }, 'images/X1.jpg', 'in'))).not.toHaveProperty('camera_read');
});
