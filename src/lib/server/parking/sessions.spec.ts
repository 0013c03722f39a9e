import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { anomalies } from './anomalies.ts';
import { eventsAfter } from './events.repo.ts';
import { createLot, type Lot } from './lots.ts';
import { lotOccupancy } from './occupancy.ts';
import { addToHotlist, createPermit } from './permits.ts';
import { scanLongStays, scanPermitExpiries } from './scans.ts';
import { findExitContext, updateSessionIfUnchanged } from './sessions.repo.ts';
import { correctSession, endSession, exitByPlate, paySession, paymentSchema, startSession, voidSession, type ParkingSettings } from './sessions.ts';
import { setPlan } from './tariffs.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0); // 09:30 IST
const MIN = 60_000;
const settings: ParkingSettings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };
const staff = { userId: 'staff-user' };

describe.each(ENGINES)('parking sessions on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let lot: Lot;
	let plateNo = 1000;
	/** a fresh valid Indian plate per test, so tests don't share state */
	const plate = () => `KA01AB${plateNo++}`;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		lot = await createLot(tdb.db, { name: 'Forum Mall', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 500, 'two-wheeler': 2 }, longStayMinutes: 12 * 60, imageRetentionDays: 30 }, null, T0);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('a stay is charged by the default plan at exit, and the plan is kept on the session', async () => {
		const p = plate();
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: p, at: T0 }, staff, settings);
		expect(session.status).toBe('active');
		const ended = await endSession(tdb.db, session.id, { at: T0 + 61 * MIN }, staff, settings);
		// ₹50 per started hour: 61 minutes are two hours
		expect(ended).toMatchObject({ status: 'completed', feePaise: 10_000, exitAt: T0 + 61 * MIN, activeKey: null });
		expect(ended.tariffSnapshot).toMatchObject({ isDefault: true, timeZone: 'Asia/Kolkata' });
		// grace: 10 minutes are free
		const short = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		expect((await endSession(tdb.db, short.session.id, { at: T0 + 10 * MIN }, staff, settings)).feePaise).toBe(0);
	});

	test.skipIf(skip)('50 concurrent starts of one plate: one active session and one duplicate-entry anomaly counting 49', async () => {
		const p = plate();
		const results = await Promise.allSettled(
			Array.from({ length: 50 }, (_, i) => startSession(tdb.db, { lotId: lot.id, plate: p, at: T0 + i }, staff, settings))
		);
		const started = results.filter((r) => r.status === 'fulfilled');
		const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
		expect(started).toHaveLength(1);
		expect(refused).toHaveLength(49);
		for (const r of refused) expect(r.reason).toMatchObject({ status: 409, code: 'already_parked' });
		const found = await anomalies(tdb.db, { lotId: lot.id, plate: p, kind: 'duplicate-entry' });
		expect(found.rows).toHaveLength(1);
		expect(found.rows[0]!.occurrences).toBe(49);
	});

	test.skipIf(skip)('ending twice, or before the entry, is refused and changes nothing', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		await expect(endSession(tdb.db, session.id, { at: T0 - MIN }, staff, settings)).rejects.toMatchObject({ status: 422, code: 'exit_before_entry' });
		await endSession(tdb.db, session.id, { at: T0 + 30 * MIN }, staff, settings);
		await expect(endSession(tdb.db, session.id, { at: T0 + 40 * MIN }, staff, settings)).rejects.toMatchObject({ status: 409, code: 'session_not_active' });
		await expect(endSession(tdb.db, 'no-such-session', { at: T0 }, staff, settings)).rejects.toMatchObject({ status: 404 });
	});

	test.skipIf(skip)('the occupancy a start and an end report, in the answer and the live event, is the lot count per class', async () => {
		const own = await createLot(tdb.db, { name: 'Occupancy', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 5, 'two-wheeler': 2 }, longStayMinutes: 600, imageRetentionDays: 30 }, null, T0);
		const counted = async () => Object.fromEntries((await lotOccupancy(tdb.db, own.id)).classes.filter((c) => c.occupied > 0).map((c) => [c.vehicleClass, c.occupied]));
		const lastEventOccupancy = async () => {
			const events = await tdb.db.run((x) => eventsAfter(x, 0, 100_000));
			return (events.filter((e) => e.lotId === own.id).at(-1)!.payload as { occupancy: unknown }).occupancy;
		};
		const a = await startSession(tdb.db, { lotId: own.id, plate: plate(), at: T0 }, staff, settings);
		expect(a.occupancy).toEqual({ car: 1 });
		const b = await startSession(tdb.db, { lotId: own.id, plate: plate(), vehicleClass: 'two-wheeler', at: T0 }, staff, settings);
		expect(b.occupancy).toEqual(await counted());
		expect(await lastEventOccupancy()).toEqual({ car: 1, 'two-wheeler': 1 });
		await endSession(tdb.db, b.session.id, { at: T0 + MIN }, staff, settings);
		// a class that empties is left out, as the COUNT leaves it out
		expect(await lastEventOccupancy()).toEqual({ car: 1 });
		await endSession(tdb.db, a.session.id, { at: T0 + MIN }, staff, settings);
		expect(await lastEventOccupancy()).toEqual({});
		expect(await counted()).toEqual({});
	});

	test.skipIf(skip)('50 concurrent ends of one session: one ends it, 49 are refused, one event', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => endSession(tdb.db, session.id, { at: T0 + 30 * MIN + i }, staff, settings)));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toMatchObject({ status: 409, code: 'session_not_active' });
		const events = await tdb.db.run((x) => eventsAfter(x, 0, 100_000));
		expect(events.filter((e) => e.type === 'session.ended' && (e.payload as { sessionId: string }).sessionId === session.id)).toHaveLength(1);
	});

	test.skipIf(skip)('an end that read the session before a payment or correction does not overwrite it: the locked path ends it', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		const stale = (await tdb.db.run((x) => findExitContext(x, session.id, T0 + MIN)))!.session;
		await paySession(tdb.db, session.id, { amountPaise: 500, method: 'cash', at: T0 + MIN }, staff);
		expect(await tdb.db.transaction((x) => updateSessionIfUnchanged(x, stale, { status: 'completed', activeKey: null }))).toBe(false);
		const ended = await endSession(tdb.db, session.id, { at: T0 + 61 * MIN }, staff, settings);
		expect(ended).toMatchObject({ status: 'completed', paidPaise: 500, feePaise: 10_000 });
	});

	test.skipIf(skip)('an exit misread by one confusable character is linked for review, never closed; no match is exit-without-entry', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: 'KA05MB1234', at: T0 }, staff, settings);
		const out = await exitByPlate(tdb.db, { lotId: lot.id, plate: 'KA05M81234', at: T0 + 60 * MIN }, staff, settings);
		expect(out).toEqual({ kind: 'mismatch', candidates: [{ sessionId: session.id, plate: 'KA05MB1234' }] });
		const mismatch = (await anomalies(tdb.db, { lotId: lot.id, kind: 'plate-mismatch' })).rows.find((a) => a.plate === 'KA05M81234');
		expect(mismatch?.relatedSessionId).toBe(session.id);
		const none = await exitByPlate(tdb.db, { lotId: lot.id, plate: 'TN22ZZ9999', at: T0 + 60 * MIN }, staff, settings);
		expect(none).toEqual({ kind: 'no_entry' });
		expect((await anomalies(tdb.db, { lotId: lot.id, kind: 'exit-without-entry', plate: 'TN22ZZ9999' })).rows).toHaveLength(1);
		const exact = await exitByPlate(tdb.db, { lotId: lot.id, plate: 'KA05MB1234', at: T0 + 61 * MIN }, staff, settings);
		expect(exact).toMatchObject({ kind: 'ended', session: { id: session.id, feePaise: 10_000 } });
	});

	test.skipIf(skip)('payments: exact paise, idempotent with a client id, no overpayment, no fractions or negatives', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		await endSession(tdb.db, session.id, { at: T0 + 90 * MIN }, staff, settings); // 10000 due
		const id = 'paymentidaaaaaaaaaaaaaaa';
		const first = await paySession(tdb.db, session.id, { id, amountPaise: 4000, method: 'upi', reference: 'UPI-1', at: T0 + 91 * MIN }, staff);
		const again = await paySession(tdb.db, session.id, { id, amountPaise: 4000, method: 'upi', reference: 'UPI-1', at: T0 + 92 * MIN }, staff);
		expect(again.duplicate).toBe(true);
		expect(again.session.paidPaise).toBe(4000);
		expect(first.payment.id).toBe(id);
		await expect(paySession(tdb.db, session.id, { amountPaise: 6001, method: 'cash', at: T0 + 93 * MIN }, staff)).rejects.toMatchObject({ code: 'overpayment' });
		const rest = await paySession(tdb.db, session.id, { amountPaise: 6000, method: 'cash', at: T0 + 93 * MIN }, staff);
		expect(rest.session.paidPaise).toBe(10_000);
		for (const amountPaise of [-100, 0, 12.5]) expect(paymentSchema.safeParse({ amountPaise, method: 'cash' }).success).toBe(false);
	});

	test.skipIf(skip)('a permit makes the stay free; one that lapses while parked is flagged by the scan, once', async () => {
		const p = plate();
		await createPermit(tdb.db, { plate: p, kind: 'monthly', lotIds: [lot.id], validFrom: T0 - 24 * 60 * MIN, validUntil: T0 + 60 * MIN }, 'admin', T0);
		const a = await startSession(tdb.db, { lotId: lot.id, plate: p, at: T0 }, staff, settings);
		expect(a.permit).not.toBeNull();
		expect(await scanPermitExpiries(tdb.db, T0 + 30 * MIN)).toBe(0);
		expect(await scanPermitExpiries(tdb.db, T0 + 61 * MIN)).toBe(1);
		await scanPermitExpiries(tdb.db, T0 + 70 * MIN);
		const flagged = await anomalies(tdb.db, { lotId: lot.id, plate: p, kind: 'permit-expired-while-parked' });
		expect(flagged.rows).toHaveLength(1);
		expect(flagged.rows[0]!.occurrences).toBe(2);
		// the permit no longer covers the exit: the stay is charged
		expect((await endSession(tdb.db, a.session.id, { at: T0 + 90 * MIN }, staff, settings)).feePaise).toBe(10_000);

		const q = plate();
		await createPermit(tdb.db, { plate: q, kind: 'staff', lotIds: [lot.id], validFrom: T0 - MIN, validUntil: T0 + 48 * 60 * MIN }, 'admin', T0);
		const b = await startSession(tdb.db, { lotId: lot.id, plate: q, at: T0 }, staff, settings);
		expect((await endSession(tdb.db, b.session.id, { at: T0 + 5 * 60 * MIN }, staff, settings)).feePaise).toBe(0);
	});

	test.skipIf(skip)('a hotlist hit, a low-confidence read and an over-full class raise anomalies but the car is in', async () => {
		const p = plate();
		await addToHotlist(tdb.db, { plate: p, reason: 'stolen vehicle report', priority: 'high', expiresAt: null }, 'admin', T0);
		const hit = await startSession(tdb.db, { lotId: lot.id, plate: p, at: T0, confidence: 0.5 }, { deviceId: 'gate-1' }, settings);
		expect(hit.hotlist).toHaveLength(1);
		expect((await anomalies(tdb.db, { lotId: lot.id, plate: p, kind: 'hotlist-hit' })).rows[0]?.sessionId).toBe(hit.session.id);
		expect((await anomalies(tdb.db, { lotId: lot.id, plate: p, kind: 'low-confidence' })).rows).toHaveLength(1);
		// two-wheeler capacity is 2: the third is over
		for (let i = 0; i < 3; i++) await startSession(tdb.db, { lotId: lot.id, plate: plate(), vehicleClass: 'two-wheeler', at: T0 + i }, staff, settings);
		const over = await anomalies(tdb.db, { lotId: lot.id, kind: 'over-capacity' });
		expect(over.rows).toHaveLength(1);
		expect(over.rows[0]!.evidence).toMatchObject({ vehicleClass: 'two-wheeler', occupied: 3, capacity: 2 });
	});

	test.skipIf(skip)('a poor read is flagged at the exit and on a duplicate entry too, not only when a session opens', async () => {
		const p = plate();
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: p, at: T0, confidence: 0.95 }, { deviceId: 'gate-1' }, settings);
		await expect(startSession(tdb.db, { lotId: lot.id, plate: p, at: T0 + MIN, confidence: 0.4 }, { deviceId: 'gate-1' }, settings)).rejects.toMatchObject({ code: 'already_parked' });
		const low = (await anomalies(tdb.db, { lotId: lot.id, plate: p, kind: 'low-confidence' })).rows;
		expect(low).toHaveLength(1);
		expect(low[0]).toMatchObject({ sessionId: session.id, detectedAt: T0 + MIN });

		const q = plate();
		const other = await startSession(tdb.db, { lotId: lot.id, plate: q, at: T0, confidence: 0.95 }, { deviceId: 'gate-1' }, settings);
		const out = await exitByPlate(tdb.db, { lotId: lot.id, plate: q, at: T0 + 30 * MIN, confidence: 0.5 }, { deviceId: 'gate-2' }, settings);
		expect(out.kind).toBe('ended');
		const atExit = (await anomalies(tdb.db, { lotId: lot.id, plate: q, kind: 'low-confidence' })).rows;
		expect(atExit).toHaveLength(1);
		expect(atExit[0]).toMatchObject({ sessionId: other.session.id, detectedAt: T0 + 30 * MIN, evidence: { confidence: 0.5, threshold: 0.8 } });
		// a good read, or one without a confidence (typed by a person), raises nothing
		const r = plate();
		await startSession(tdb.db, { lotId: lot.id, plate: r, at: T0 }, staff, settings);
		await exitByPlate(tdb.db, { lotId: lot.id, plate: r, at: T0 + 5 * MIN, confidence: 0.8 }, staff, settings);
		expect((await anomalies(tdb.db, { lotId: lot.id, plate: r, kind: 'low-confidence' })).rows).toHaveLength(0);
	});

	test.skipIf(skip)('a scan limited to one lot leaves the other lots alone', async () => {
		const other = await createLot(tdb.db, { name: 'Short stay lot', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 60, imageRetentionDays: 30 }, null, T0);
		const p = plate();
		await startSession(tdb.db, { lotId: other.id, plate: p, at: T0 }, staff, settings);
		expect(await scanLongStays(tdb.db, T0 + 2 * 60 * MIN, { lotId: lot.id })).toBe(0);
		expect((await anomalies(tdb.db, { lotId: other.id, kind: 'long-stay' })).rows).toHaveLength(0);
		expect(await scanLongStays(tdb.db, T0 + 2 * 60 * MIN, { lotId: other.id })).toBe(1);
	});

	test.skipIf(skip)('the long-stay scan flags each session once however often it runs', async () => {
		const p = plate();
		await startSession(tdb.db, { lotId: lot.id, plate: p, at: T0 }, staff, settings);
		await scanLongStays(tdb.db, T0 + 11 * 60 * MIN);
		expect((await anomalies(tdb.db, { lotId: lot.id, plate: p, kind: 'long-stay' })).rows).toHaveLength(0);
		await scanLongStays(tdb.db, T0 + 12 * 60 * MIN);
		await scanLongStays(tdb.db, T0 + 13 * 60 * MIN);
		const rows = (await anomalies(tdb.db, { lotId: lot.id, plate: p, kind: 'long-stay' })).rows;
		expect(rows).toHaveLength(1);
		expect(rows[0]!.occurrences).toBe(2);
	});

	test.skipIf(skip)('a lot plan replaces the default; a plan that contradicts itself is refused with the reason', async () => {
		const other = await createLot(tdb.db, { name: 'Slab lot', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 600, imageRetentionDays: 30 }, null, T0);
		await setPlan(
			tdb.db,
			other.id,
			'car',
			{ currency: 'INR', graceMinutes: 5, charge: { kind: 'slabs', slabs: [{ upToMinutes: 30, amountPaise: 2000 }, { upToMinutes: 120, amountPaise: 5500 }], thereafter: { everyMinutes: 60, amountPaise: 1000 } } },
			'admin',
			T0
		);
		const s = await startSession(tdb.db, { lotId: other.id, plate: plate(), at: T0 }, staff, settings);
		// 3 h 10 min: ₹55 for two hours, then two started hours at ₹10
		expect((await endSession(tdb.db, s.session.id, { at: T0 + 190 * MIN }, staff, settings)).feePaise).toBe(7500);
		await expect(
			setPlan(tdb.db, other.id, 'car', { currency: 'INR', charge: { kind: 'slabs', slabs: [{ upToMinutes: 60, amountPaise: 5000 }, { upToMinutes: 30, amountPaise: 2000 }], thereafter: { everyMinutes: 60, amountPaise: 1000 } } }, 'admin', T0)
		).rejects.toMatchObject({ status: 422, fields: expect.objectContaining({ 'charge.slabs.1.upToMinutes': expect.any(String) }) });
		await expect(setPlan(tdb.db, other.id, 'car', { currency: 'USD', charge: { kind: 'flat', amountPaise: 100 } }, 'admin', T0)).rejects.toMatchObject({ status: 422 });
	});

	test.skipIf(skip)('void and correct are audited; a correction keeps one active session per plate', async () => {
		const a = await startSession(tdb.db, { lotId: lot.id, plate: 'KA09XY1111', at: T0 }, staff, settings);
		const b = await startSession(tdb.db, { lotId: lot.id, plate: 'KA09XY1112', at: T0 }, staff, settings);
		await expect(correctSession(tdb.db, b.session.id, { plate: 'KA09XY1111', reason: 'misread' }, 'admin', T0)).rejects.toMatchObject({ status: 409, code: 'already_parked' });
		const voided = await voidSession(tdb.db, a.session.id, 'test entry', 'admin', T0 + MIN);
		expect(voided.status).toBe('voided');
		const fixed = await correctSession(tdb.db, b.session.id, { plate: 'KA09XY1111', reason: 'misread' }, 'admin', T0 + 2 * MIN);
		expect(fixed.plate).toBe('KA09XY1111');
	});
});
