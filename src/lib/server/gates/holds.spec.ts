import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { anomalies } from '../parking/anomalies.ts';
import { createLot } from '../parking/lots.ts';
import { paySession, sessionWithPayments, startSession, type ParkingSettings } from '../parking/sessions.ts';
import { LocalImageStore } from '../storage/local.ts';
import { handleCapture, type CaptureDeps } from './captures.ts';
import { pollCommands } from './commands.ts';
import { gateCaptures, resolveHold } from './holds.ts';
import { gateWithKey, ScriptedReader, testJpeg } from './testing.ts';

const MIN = 60_000;
const settings: ParkingSettings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };

describe.each(ENGINES)('resolving held captures on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let dir: string;
	const now = Date.UTC(2026, 10, 2, 6, 0);
	const reader = new ScriptedReader();
	let n = 0;
	const deps = (): CaptureDeps => ({ db: tdb.db, images: new LocalImageStore(dir), reader, settings, now: () => now });
	const setup = async (direction: 'entry' | 'exit') => {
		const lot = await createLot(tdb.db, { name: `Holds ${n++}`, country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, now);
		return { lot, ...(await gateWithKey(tdb.db, lot.id, direction, now)) };
	};
	const capture = async (g: { gate: { id: string }; deviceId: string }, read: { plate: string | null; confidence: number }) => {
		reader.next = { ...read, valid: read.plate !== null };
		return (await handleCapture(deps(), { gateId: g.gate.id, deviceId: g.deviceId, idempotencyKey: `k${n++}`, capturedAt: now, image: testJpeg(32, 24) })).answer;
	};

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		dir = mkdtempSync(join(tmpdir(), 'spms-holds-'));
	});
	afterAll(async () => {
		await tdb?.drop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	test.skipIf(skip)('entry: a low-confidence hold, corrected by the operator, starts the session and opens the gate, once', async () => {
		const g = await setup('entry');
		const held = await capture(g, { plate: 'KA01AB12E4', confidence: 0.4 });
		expect(held).toMatchObject({ decision: 'hold', reason: 'low_confidence' });
		expect((await gateCaptures(tdb.db, g.gate.id, { decision: 'hold', unresolved: true }, 10)).map((c) => c.id)).toEqual([held.capture_id]);

		const done = await resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { plate: 'KA01AB1234', reason: 'read the plate on the photo' }, 'op-1', now + MIN);
		expect(done).toMatchObject({ plate: 'KA01AB1234', command: { command: 'open', capture_id: held.capture_id } });
		const { session } = await sessionWithPayments(tdb.db, done.session_id!);
		expect(session).toMatchObject({ plate: 'KA01AB1234', status: 'active', entryAt: now, entryGateId: g.gate.id });
		expect(await pollCommands(tdb.db, g.gate.id, 0, undefined, () => now + MIN)).toEqual([done.command]);
		expect(await gateCaptures(tdb.db, g.gate.id, { decision: 'hold', unresolved: true }, 10)).toEqual([]);
		await expect(resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { reason: 'again please' }, 'op-1', now + MIN)).rejects.toMatchObject({ status: 409, code: 'already_resolved' });
	});

	test.skipIf(skip)('two operators resolving one exit hold at once: one open command, the other told it is resolved', async () => {
		const g = await setup('exit');
		await startSession(tdb.db, { lotId: g.lot.id, plate: 'KA04GH0004', at: now - 5 * MIN }, { userId: null }, settings);
		const held = await capture(g, { plate: 'KA04GH0004', confidence: 0.5 });
		const results = await Promise.allSettled([1, 2, 3].map((i) => resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { plate: 'KA04GH0004', reason: `operator ${i} checked` }, `op-${i}`, now)));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toMatchObject({ status: 409 });
		expect(await pollCommands(tdb.db, g.gate.id, 0, undefined, () => now)).toHaveLength(1);
	});

	test.skipIf(skip).each([
		['exit, free', 'exit', 5],
		['exit, payment due', 'exit', 90],
		['entry', 'entry', 0]
	] as const)('operators racing to resolve one hold (%s): the stay is started or ended once, no spurious anomaly', async (_, direction, stayedMinutes) => {
		const g = await setup(direction);
		const plate = `KA21RR${String(n++).padStart(4, '0')}`;
		if (direction === 'exit') await startSession(tdb.db, { lotId: g.lot.id, plate, at: now - stayedMinutes * MIN }, { userId: null }, settings);
		const held = await capture(g, { plate, confidence: 0.5 });
		const before = (await anomalies(tdb.db, { lotId: g.lot.id })).rows.map((a) => a.kind);
		const results = await Promise.allSettled([1, 2, 3, 4].map((i) => resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { reason: `operator ${i} checked` }, `op-${i}`, now)));
		const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code?: string }).code);
		if (stayedMinutes > 60) expect(refusals).toEqual(['payment_due', 'payment_due', 'payment_due', 'payment_due']);
		else {
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			expect(refusals).toEqual(['already_resolved', 'already_resolved', 'already_resolved']);
		}
		expect((await anomalies(tdb.db, { lotId: g.lot.id })).rows.map((a) => a.kind)).toEqual(before);
		const sessions = await tdb.db.run((x) => x.q.select().from(x.t.parkingSessions).where(eq(x.t.parkingSessions.lotId, g.lot.id)));
		expect(sessions).toHaveLength(1);
		expect(sessions[0]).toMatchObject(direction === 'entry' ? { status: 'active', entryAt: now } : { status: 'completed', exitAt: now });
		expect(await pollCommands(tdb.db, g.gate.id, 0, undefined, () => now)).toHaveLength(stayedMinutes > 60 ? 0 : 1);
	});

	test.skipIf(skip)('no plate read and none given is refused; another gate or an unknown capture is 404', async () => {
		const g = await setup('entry');
		const held = await capture(g, { plate: null, confidence: 0 });
		await expect(resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { reason: 'looked at it' }, 'op-1', now)).rejects.toMatchObject({ status: 422, code: 'plate_required' });
		await expect(resolveHold(tdb.db, settings, 'other', held.capture_id, { reason: 'looked at it' }, 'op-1', now)).rejects.toMatchObject({ status: 404 });
		await expect(resolveHold(tdb.db, settings, g.gate.id, 'nope', { reason: 'looked at it' }, 'op-1', now)).rejects.toMatchObject({ status: 404 });
	});

	test.skipIf(skip)('exit: held for payment, refused until paid, then opens', async () => {
		const g = await setup('exit');
		const { session } = await startSession(tdb.db, { lotId: g.lot.id, plate: 'KA02CD5678', at: now - 61 * MIN }, { userId: null }, settings);
		const held = await capture(g, { plate: 'KA02CD5678', confidence: 0.95 });
		expect(held).toMatchObject({ decision: 'hold', reason: 'payment_due', amount_due: 10_000 });
		await expect(resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { reason: 'let out' }, 'op-1', now)).rejects.toMatchObject({ status: 409, code: 'payment_due', fields: { amountDuePaise: '10000' } });
		await paySession(tdb.db, session.id, { amountPaise: 10_000, method: 'upi', at: now }, { userId: 'op-1' });
		expect(await resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { reason: 'paid by UPI' }, 'op-1', now)).toMatchObject({ session_id: session.id, command: { command: 'open' } });
	});

	test.skipIf(skip)('exit: a misread corrected by the operator ends the right session at the capture time; a plate never parked is refused', async () => {
		const g = await setup('exit');
		const { session } = await startSession(tdb.db, { lotId: g.lot.id, plate: 'KA03EF0003', at: now - 5 * MIN }, { userId: null }, settings);
		const held = await capture(g, { plate: 'KA03EF00O3', confidence: 0.5 });
		expect(held).toMatchObject({ decision: 'hold', reason: 'low_confidence' });
		const done = await resolveHold(tdb.db, settings, g.gate.id, held.capture_id, { plate: 'KA03EF0003', reason: 'camera read O for 0' }, 'op-1', now + 10 * MIN);
		expect(done.session_id).toBe(session.id);
		// ended when the car was at the barrier (5 minutes: free), not when the operator got to it
		expect((await sessionWithPayments(tdb.db, session.id)).session).toMatchObject({ status: 'completed', exitAt: now, feePaise: 0 });

		const stranger = await capture(g, { plate: 'TN22ZZ9999', confidence: 0.5 });
		await expect(resolveHold(tdb.db, settings, g.gate.id, stranger.capture_id, { reason: 'looked at it' }, 'op-1', now)).rejects.toMatchObject({ status: 409, code: 'no_entry' });
	});
});
