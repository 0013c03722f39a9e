import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { createLot } from '../parking/lots.ts';
import { LocalImageStore } from '../storage/local.ts';
import { handleCapture } from './captures.ts';
import { newKey } from '../storage/storage.ts';
import { pruneCaptureImages, pruneEvidence } from './retention.ts';
import { gateWithKey, ScriptedReader, testJpeg } from './testing.ts';

const DAY = 24 * 60 * 60_000;

describe.each(ENGINES)('capture image retention on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let dir: string;
	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		dir = mkdtempSync(join(tmpdir(), 'spms-retention-'));
	});
	afterAll(async () => {
		await tdb?.drop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	test.skipIf(skip)("images older than their lot's retention days are deleted; newer ones and the capture rows stay", async () => {
		const images = new LocalImageStore(dir);
		const T0 = Date.UTC(2026, 0, 1);
		const short = await createLot(tdb.db, { name: 'Short', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 720, imageRetentionDays: 7 }, null, T0);
		const long = await createLot(tdb.db, { name: 'Long', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, T0);
		const reader = new ScriptedReader();
		const ids: Record<string, string> = {};
		for (const [name, lot, age] of [['short-old', short, 8], ['short-new', short, 6], ['long-old', long, 8]] as const) {
			const { gate, deviceId } = await gateWithKey(tdb.db, lot.id, 'entry', T0);
			const at = T0 + 30 * DAY - age * DAY;
			const { answer } = await handleCapture({ db: tdb.db, images, reader, settings: { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 }, now: () => at }, { gateId: gate.id, deviceId, idempotencyKey: name, capturedAt: at, image: testJpeg(32, 24) });
			ids[name] = answer.capture_id;
		}
		const row = async (id: string) => (await tdb.db.run((x) => x.q.select().from(x.t.gateCaptures).where(eq(x.t.gateCaptures.id, id))))[0]!;
		const keyOld = (await row(ids['short-old']!)).imageKey!;
		expect(await images.get(keyOld)).not.toBeNull();
		expect(await pruneCaptureImages(tdb.db, images, T0 + 30 * DAY)).toBe(1);
		expect(await images.get(keyOld)).toBeNull();
		expect(await row(ids['short-old']!)).toMatchObject({ imageKey: null, decision: 'hold' });
		expect((await row(ids['short-new']!)).imageKey).not.toBeNull();
		expect((await row(ids['long-old']!)).imageKey).not.toBeNull();
		expect(await pruneCaptureImages(tdb.db, images, T0 + 30 * DAY)).toBe(0);
	});

	test.skipIf(skip)('evidence photos: whole days past the lot\'s retention are deleted, the rest kept', async () => {
		const images = new LocalImageStore(dir);
		const T0 = Date.UTC(2026, 3, 1);
		const lot = await createLot(tdb.db, { name: 'Evidence', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 720, imageRetentionDays: 7 }, null, T0);
		const at = (daysAgo: number) => T0 - daysAgo * DAY;
		const old = [newKey('evidence/', 'image/jpeg', at(9), lot.id), newKey('evidence/', 'image/jpeg', at(8), lot.id)];
		const kept = [newKey('evidence/', 'image/jpeg', at(7), lot.id), newKey('evidence/', 'image/jpeg', at(1), lot.id)];
		for (const key of [...old, ...kept]) await images.put(key, testJpeg(16, 16), 'image/jpeg');
		expect(await pruneEvidence(tdb.db, images, T0 + 3600_000)).toBe(2);
		for (const key of old) expect(await images.get(key)).toBeNull();
		for (const key of kept) expect(await images.get(key)).not.toBeNull();
		expect(await pruneEvidence(tdb.db, images, T0 + 3600_000)).toBe(0);
	});
});
