import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newId } from '../../id.ts';
import { insertUser } from '../auth/users.repo.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { createLot, type Lot } from '../parking/lots.ts';
import { addToHotlist, createPermit } from '../parking/permits.ts';
import { endSession, type ParkingSettings } from '../parking/sessions.ts';
import { patrolActions } from './actions.ts';
import { setUserLots } from './lots-access.ts';
import { patrolSnapshot } from './snapshot.ts';
import { syncActions } from './sync.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const MIN = 60_000;
const settings: ParkingSettings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };

describe.each(ENGINES)('patrol sync on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let lot: Lot;
	let other: Lot;
	const patrol = { id: newId(), role: 'patrol' as const };
	const limited = { id: newId(), role: 'patrol' as const };
	let n = 1000;
	const plate = () => `KA01AB${n++}`;
	const action = (kind: string, p: string, extra: Record<string, unknown> = {}) => ({ id: newId(), kind, lotId: lot.id, plate: p, at: T0 + MIN, ...extra });

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		const base = { country: 'in' as const, timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 120, imageRetentionDays: 30 };
		lot = await createLot(tdb.db, { name: 'North', ...base }, null, T0);
		other = await createLot(tdb.db, { name: 'South', ...base }, null, T0);
		await tdb.db.run(async (x) => {
			for (const u of [patrol, limited]) await insertUser(x, { id: u.id, email: `${u.id}@example.com`, passwordHash: 'x', role: 'patrol', phone: null, createdAt: T0, passwordChangedAt: T0 });
		});
		await setUserLots(tdb.db, limited.id, [other.id], patrol.id, T0);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('a start and its end are applied once, however often they are sent', async () => {
		const p = plate();
		const batch = [action('session.start', p), action('session.end', p, { at: T0 + 95 * MIN })];
		const first = await syncActions(tdb.db, settings, patrol, batch, T0 + 100 * MIN);
		expect(first.map((r) => r.status)).toEqual(['applied', 'applied']);
		expect(first[1]!.message).toBe('Ended; 10000 paise due.');
		const again = await Promise.all([1, 2, 3].map(() => syncActions(tdb.db, settings, patrol, batch, T0 + 101 * MIN)));
		for (const r of again) expect(r.map((o) => [o.status, o.replayed, o.sessionId])).toEqual([['applied', true, first[0]!.sessionId], ['applied', true, first[1]!.sessionId]]);
		const { total } = await patrolActions(tdb.db, patrol, { lotId: lot.id, kind: 'session.start' }, 200, 0);
		expect(total).toBeGreaterThanOrEqual(1);
	});

	test.skipIf(skip)('fifty observations sent concurrently in overlapping batches: fifty records', async () => {
		const obs = Array.from({ length: 50 }, (_, i) => action('observation', plate(), { location: { lat: 12.97, lng: 77.59, accuracyM: 8 }, note: `bay ${i}` }));
		const batches = [obs.slice(0, 30), obs.slice(20, 50), obs, obs.slice(10, 40)];
		const results = (await Promise.all(batches.map((b) => syncActions(tdb.db, settings, patrol, b, T0 + 2 * MIN)))).flat();
		expect(results.every((r) => r.status === 'applied')).toBe(true);
		const ids = new Set(obs.map((o) => o.id));
		const { rows } = await patrolActions(tdb.db, patrol, { lotId: lot.id, kind: 'observation' }, 200, 0);
		expect(rows.filter((r) => ids.has(r.id)).length).toBe(50);
		expect(rows.find((r) => r.id === obs[3]!.id)!.details).toEqual({ location: { lat: 12.97, lng: 77.59, accuracyM: 8 }, note: 'bay 3' });
	});

	test.skipIf(skip)('an end for a session ended meanwhile is a conflict, stored and replayed', async () => {
		const p = plate();
		const [start] = await syncActions(tdb.db, settings, patrol, [action('session.start', p)], T0 + 2 * MIN);
		await endSession(tdb.db, start!.sessionId!, { at: T0 + 30 * MIN }, { userId: 'desk' }, settings);
		const end = action('session.end', p, { sessionId: start!.sessionId, at: T0 + 40 * MIN });
		const [conflict] = await syncActions(tdb.db, settings, patrol, [end], T0 + 41 * MIN);
		expect(conflict).toMatchObject({ status: 'conflict', code: 'session_not_active', sessionId: start!.sessionId });
		expect(conflict!.message).toMatch(/ended at .* meanwhile/);
		const [again] = await syncActions(tdb.db, settings, patrol, [end], T0 + 42 * MIN);
		expect(again).toMatchObject({ status: 'conflict', code: 'session_not_active', replayed: true });
		// a start of a plate parked already
		const [dup] = await syncActions(tdb.db, settings, patrol, [action('session.start', p)], T0 + 43 * MIN);
		expect(dup!.status).toBe('applied');
		const [dup2] = await syncActions(tdb.db, settings, patrol, [action('session.start', p)], T0 + 44 * MIN);
		expect(dup2).toMatchObject({ status: 'conflict', code: 'already_parked', sessionId: dup!.sessionId });
	});

	test.skipIf(skip)('rejected actions are not stored, so a corrected retry can still apply', async () => {
		const bad = [{ id: newId(), kind: 'observation', lotId: lot.id, plate: '??', at: T0 }, { id: 'short', kind: 'observation' }, action('observation', plate(), { at: T0 + 3_600_000 * 24 })];
		const results = await syncActions(tdb.db, settings, patrol, bad, T0 + MIN);
		expect(results.map((r) => [r.status, r.code])).toEqual([
			['rejected', 'validation_failed'],
			['rejected', 'validation_failed'],
			['rejected', 'time_in_future']
		]);
		expect(results[0]!.fields).toHaveProperty('plate');
		const forbidden = action('observation', plate());
		expect((await syncActions(tdb.db, settings, limited, [forbidden], T0 + 2 * MIN))[0]).toMatchObject({ status: 'rejected', code: 'lot_forbidden' });
		// the same id by an account that works there: applied (nothing was stored for the refusal)
		expect((await syncActions(tdb.db, settings, patrol, [forbidden], T0 + 2 * MIN))[0]).toMatchObject({ status: 'applied', replayed: false });
		expect((await syncActions(tdb.db, settings, limited, [forbidden], T0 + 2 * MIN))[0]).toMatchObject({ status: 'rejected' });
	});

	test.skipIf(skip)('the snapshot holds the lot’s active sessions, its permits and the hotlist; another lot’s account is refused', async () => {
		const parked = plate();
		const wanted = plate();
		await syncActions(tdb.db, settings, patrol, [action('session.start', parked)], T0 + 5 * MIN);
		await createPermit(tdb.db, { plate: parked, kind: 'monthly', lotIds: [lot.id], validFrom: T0 - MIN, validUntil: T0 + 30 * 24 * 60 * MIN }, patrol.id, T0);
		await createPermit(tdb.db, { plate: wanted, kind: 'monthly', lotIds: [other.id], validFrom: T0 - MIN, validUntil: T0 + 30 * 24 * 60 * MIN }, patrol.id, T0);
		await addToHotlist(tdb.db, { plate: wanted, reason: 'stolen car', priority: 'high', expiresAt: null }, patrol.id, T0);
		const snap = await patrolSnapshot(tdb.db, settings, patrol, lot.id, T0 + 6 * MIN);
		expect(snap.sessions.some((s) => s.plate === parked && s.entryAt === T0 + MIN)).toBe(true);
		expect(snap.permits.map((p) => p.plate)).toContain(parked);
		expect(snap.permits.map((p) => p.plate)).not.toContain(wanted);
		expect(snap.hotlist).toContainEqual({ plate: wanted, reason: 'stolen car', priority: 'high', expiresAt: null });
		expect(snap.defaultPlan.currency).toBe('INR');
		await expect(patrolSnapshot(tdb.db, settings, limited, lot.id, T0)).rejects.toMatchObject({ status: 403, code: 'lot_forbidden' });
	});
});
