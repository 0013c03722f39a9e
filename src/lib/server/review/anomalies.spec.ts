import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { anomalies } from '../parking/anomalies.ts';
import { createLot, type Lot } from '../parking/lots.ts';
import { exitByPlate, sessionWithPayments, startSession, type ParkingSettings } from '../parking/sessions.ts';
import { LocalImageStore } from '../storage/local.ts';
import { anomalyEvidence, mergeMisreadExit } from './anomalies.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const MIN = 60_000;
const settings: ParkingSettings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };

describe.each(ENGINES)('anomaly review on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let lot: Lot;
	const images = new LocalImageStore(join(mkdtempSync(join(tmpdir(), 'spms-review-')), 'images'), () => T0);

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		lot = await createLot(tdb.db, { name: 'Forum Mall', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, T0);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('a misread exit is merged into its entry session, which ends at the exit time, and the anomaly is resolved', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: 'KA01AB1234', at: T0 }, { userId: 'op' }, settings);
		const out = await exitByPlate(tdb.db, { lotId: lot.id, plate: 'KA01A81234', at: T0 + 95 * MIN }, { userId: 'op' }, settings);
		expect(out.kind).toBe('mismatch');
		const [anomaly] = (await anomalies(tdb.db, { lotId: lot.id, kind: 'plate-mismatch' })).rows;
		const ev = await anomalyEvidence(tdb.db, images, anomaly!.id);
		expect(ev.seen.plate).toBe('KA01A81234');
		expect(ev.related).toMatchObject({ plate: 'KA01AB1234', sessionId: session.id });
		expect(ev.mergeable).toBe(true);

		const merged = await mergeMisreadExit(tdb.db, settings, anomaly!.id, { note: 'B read as 8 at the exit' }, 'admin-1', T0 + 100 * MIN);
		expect(merged.session).toMatchObject({ status: 'completed', exitAt: T0 + 95 * MIN, exitPlateRead: 'KA01A81234', feePaise: 10_000 });
		expect(merged.anomaly).toMatchObject({ status: 'resolved', note: 'B read as 8 at the exit', reviewedBy: 'admin-1' });
		expect((await sessionWithPayments(tdb.db, session.id)).session.status).toBe('completed');
		expect((await anomalyEvidence(tdb.db, images, anomaly!.id)).mergeable).toBe(false);
		await expect(mergeMisreadExit(tdb.db, settings, anomaly!.id, { note: 'again' }, 'admin-1', T0 + 101 * MIN)).rejects.toMatchObject({ status: 409, code: 'not_mergeable' });
	});

	test.skipIf(skip)('nothing changes when the merge fails half way (the session was not parked in this lot)', async () => {
		await exitByPlate(tdb.db, { lotId: lot.id, plate: 'MH12XY9999', at: T0 + 10 * MIN }, { userId: 'op' }, settings);
		const [anomaly] = (await anomalies(tdb.db, { lotId: lot.id, kind: 'exit-without-entry' })).rows;
		await expect(mergeMisreadExit(tdb.db, settings, anomaly!.id, { note: 'checked', sessionId: 'no-such' }, 'admin-1', T0)).rejects.toMatchObject({ status: 409 });
		expect((await anomalies(tdb.db, { lotId: lot.id, kind: 'exit-without-entry' })).rows[0]?.status).toBe('open');
	});
});
