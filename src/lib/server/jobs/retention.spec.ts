import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startS3Server, stripBucketSlash, type TestS3Server } from '../../../../tests/support/s3-server.ts';
import { newId } from '../../id.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { gateWithKey } from '../gates/testing.ts';
import { upsertAnomaly, type AnomalyRow } from '../parking/anomalies.repo.ts';
import { createLot } from '../parking/lots.ts';
import { insertPayment, insertSession, type SessionRow } from '../parking/sessions.repo.ts';
import { createS3Client, S3ImageStore } from '../storage/s3.ts';
import { newKey, scopeFolder, type ImageStore } from '../storage/storage.ts';
import { outboxRow } from '../sms/testing.ts';
import { erasePersonalData, pruneImages, retentionJobs } from './retention.ts';
import { runDueJobs } from './scheduler.ts';

const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 15, 12, 0);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
const migrations = new URL('../../../../drizzle', import.meta.url).pathname;

let s3: TestS3Server;
let images: ImageStore;
beforeAll(async () => {
	s3 = await startS3Server();
	// the bucket-level ListObjectsV2 needs the test server's trailing-slash fix (see s3-server.ts)
	const client = createS3Client(s3.config);
	stripBucketSlash(client);
	images = new S3ImageStore(s3.config, client, () => T);
});
afterAll(async () => {
	await s3?.stop();
});

const lotInput = (name: string, imageRetentionDays: number) => ({ name, country: 'in' as const, timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 720, imageRetentionDays });

function session(lotId: string, patch: Partial<SessionRow>): SessionRow {
	const id = newId();
	return {
		id, lotId, plate: `KA01AB${String(Math.floor(Math.random() * 9000) + 1000)}`, vehicleClass: 'car', status: 'completed', activeKey: null,
		entryAt: T - 41 * DAY, exitAt: T - 40 * DAY, entryGateId: null, exitGateId: null, entryConfidence: null, exitPlateRead: null,
		feePaise: 5000, paidPaise: 5000, tariffSnapshot: null, permitId: null, startedBy: null, endedBy: null, createdAt: T - 41 * DAY, updatedAt: T - 40 * DAY, ...patch
	};
}

function anomaly(lotId: string, patch: Partial<AnomalyRow>): AnomalyRow {
	const id = newId();
	return { id, lotId, kind: 'low-confidence', dedupKey: id, plate: null, sessionId: null, relatedSessionId: null, evidence: {}, occurrences: 1, lastSeenAt: T - 40 * DAY, status: 'open', note: null, detectedAt: T - 40 * DAY, reviewedBy: null, reviewedAt: null, ...patch };
}

describe.each(ENGINES)('retention on %s, images in a real S3-compatible server', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let db: Database;
	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		db = tdb.db;
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	/** A capture of `gateId` received `age` days before T, with its photo stored. */
	async function capture(gate: { id: string; lotId: string }, age: number, patch: { decision?: 'open' | 'deny' | 'hold'; sessionId?: string | null; image?: boolean } = {}) {
		const at = T - age * DAY;
		const imageKey = patch.image === false ? null : newKey('captures/', 'image/jpeg', at, gate.id);
		if (imageKey) await images.put(imageKey, JPEG, 'image/jpeg');
		const id = newId();
		await db.run((x) =>
			x.q.insert(x.t.gateCaptures).values({
				id, gateId: gate.id, lotId: gate.lotId, idempotencyKey: id, status: 'done', capturedAt: at, receivedAt: at, imageKey,
				decision: patch.decision ?? 'open', plate: 'KA01AB1234', confidence: 0.9, reason: 'test', sessionId: patch.sessionId ?? null, amountDuePaise: null, answer: {}, updatedAt: at
			})
		);
		return { id, imageKey };
	}
	const row = async (id: string) => (await db.run((x) => x.q.select().from(x.t.gateCaptures).where(eq(x.t.gateCaptures.id, id))))[0]!;
	const stored = async (key: string | null) => key !== null && (await images.get(key)) !== null;

	test.skipIf(skip)("capture photos past their lot's retention go, unless a held car, an open or unpaid session or an unsettled anomaly still needs them", async () => {
		const lot = await createLot(db, lotInput(`Captures ${engine}`, 30), null, T - 100 * DAY);
		const longer = await createLot(db, lotInput(`Ninety days ${engine}`, 90), null, T - 100 * DAY);
		const { gate } = await gateWithKey(db, lot.id, 'both', T - 100 * DAY);
		const { gate: gate90 } = await gateWithKey(db, longer.id, 'both', T - 100 * DAY);
		const paid = session(lot.id, {});
		const active = session(lot.id, { status: 'active', activeKey: `${lot.id}:KA01ZZ0001`, plate: 'KA01ZZ0001', exitAt: null, feePaise: null, paidPaise: 0 });
		const unpaid = session(lot.id, { paidPaise: 2000 });
		const disputed = session(lot.id, {});
		await db.transaction(async (x) => {
			for (const s of [paid, active, unpaid, disputed]) await insertSession(x, s);
		});
		const c = {
			old: await capture(gate, 40, { sessionId: paid.id }),
			recent: await capture(gate, 10, { sessionId: paid.id }),
			held: await capture(gate, 40, { decision: 'hold' }),
			heldResolved: await capture(gate, 40, { decision: 'hold', sessionId: paid.id }),
			inside: await capture(gate, 40, { sessionId: active.id }),
			unpaid: await capture(gate, 40, { sessionId: unpaid.id }),
			namedOpen: await capture(gate, 40, {}),
			namedResolved: await capture(gate, 40, {}),
			sessionDisputed: await capture(gate, 40, { sessionId: disputed.id }),
			noImage: await capture(gate, 40, { image: false }),
			otherLot: await capture(gate90, 40, {})
		};
		await db.transaction(async (x) => {
			await x.q.insert(x.t.gateCommands).values({ id: newId(), gateId: gate.id, command: 'open', reason: 'let through', captureId: c.heldResolved.id, issuedBy: null, issuedAt: T - 40 * DAY, expiresAt: T - 40 * DAY + 120_000, deliveredAt: null, ackedAt: null });
			await upsertAnomaly(x, anomaly(lot.id, { evidence: { captureId: c.namedOpen.id, imageKey: c.namedOpen.imageKey } }));
			await upsertAnomaly(x, anomaly(lot.id, { evidence: { captureId: c.namedResolved.id }, status: 'resolved' }));
			await upsertAnomaly(x, anomaly(lot.id, { kind: 'plate-mismatch', sessionId: disputed.id, status: 'acknowledged' }));
		});

		const first = await pruneImages(db, images, T);
		const gone = ['old', 'heldResolved', 'namedResolved'] as const;
		const kept = ['recent', 'held', 'inside', 'unpaid', 'namedOpen', 'sessionDisputed', 'otherLot'] as const;
		expect(first).toMatchObject({ captures: gone.length, failed: 0 });
		for (const name of gone) {
			expect(await stored(c[name].imageKey), name).toBe(false);
			expect(await row(c[name].id), name).toMatchObject({ imageKey: null, decision: expect.any(String), plate: 'KA01AB1234' });
		}
		for (const name of kept) {
			expect(await stored(c[name].imageKey), name).toBe(true);
			expect((await row(c[name].id)).imageKey, name).toBe(c[name].imageKey);
		}
		expect((await pruneImages(db, images, T)).captures).toBe(0);

		// settled: the fee paid, the anomalies closed, the car gone → the next run deletes them
		await db.transaction(async (x) => {
			await insertPayment(x, { id: newId(), sessionId: unpaid.id, lotId: lot.id, amountPaise: 3000, method: 'cash', reference: null, receivedBy: null, at: T - DAY });
			await x.q.update(x.t.parkingSessions).set({ paidPaise: 5000 }).where(eq(x.t.parkingSessions.id, unpaid.id));
			await x.q.update(x.t.parkingSessions).set({ status: 'completed', activeKey: null, exitAt: T - DAY, feePaise: 0 }).where(eq(x.t.parkingSessions.id, active.id));
			await x.q.update(x.t.anomalies).set({ status: 'resolved' }).where(eq(x.t.anomalies.lotId, lot.id));
		});
		const second = await pruneImages(db, images, T);
		expect(second.captures).toBe(4);
		for (const name of ['unpaid', 'inside', 'namedOpen', 'sessionDisputed'] as const) expect(await stored(c[name].imageKey), name).toBe(false);
		// still within retention, or waiting for a person
		for (const name of ['recent', 'held', 'otherLot'] as const) expect(await stored(c[name].imageKey), name).toBe(true);
		// 49 days on, the 90-day lot's 89-day-old photo is still kept; 51 days on it goes
		expect((await pruneImages(db, images, T + 49 * DAY)).captures).toBe(1); // the recent one (10 + 49 > 30 days)
		expect(await stored(c.otherLot.imageKey)).toBe(true);
		expect((await pruneImages(db, images, T + 51 * DAY)).captures).toBe(1);
		expect(await stored(c.otherLot.imageKey)).toBe(false);
		expect(await stored(c.held.imageKey)).toBe(true);
	});

	test.skipIf(skip)('capture photos are deleted in batches until none is left past retention', async () => {
		const lot = await createLot(db, lotInput(`Batches ${engine}`, 30), null, T - 100 * DAY);
		const { gate } = await gateWithKey(db, lot.id, 'both', T - 100 * DAY);
		const keys: string[] = [];
		for (let i = 0; i < 7; i++) keys.push((await capture(gate, 35 + i, {})).imageKey!);
		const result = await pruneImages(db, images, T, { batch: 3 });
		expect(result.captures).toBe(7);
		for (const key of keys) expect(await stored(key)).toBe(false);
		// a cap per run: the next run goes on where this one stopped
		const more: string[] = [];
		for (let i = 0; i < 5; i++) more.push((await capture(gate, 35 + i, {})).imageKey!);
		expect((await pruneImages(db, images, T, { batch: 2, maxPerRun: 3 })).captures).toBeLessThan(5);
		expect((await pruneImages(db, images, T, { batch: 2, maxPerRun: 3 })).captures).toBeGreaterThan(0);
		for (const key of more) expect(await stored(key)).toBe(false);
	});

	test.skipIf(skip)('evidence photos: days past retention are emptied except the photos of open or unpaid sessions and unsettled anomalies', async () => {
		const lot = await createLot(db, lotInput(`Evidence ${engine}`, 30), null, T - 100 * DAY);
		const active = session(lot.id, { status: 'active', activeKey: `${lot.id}:KA01ZZ0002`, plate: 'KA01ZZ0002', exitAt: null, feePaise: null, paidPaise: 0 });
		const paid = session(lot.id, {});
		await db.transaction(async (x) => {
			await insertSession(x, active);
			await insertSession(x, paid);
		});
		const key = (age: number) => newKey('evidence/', 'image/jpeg', T - age * DAY, lot.id);
		const e = { orphan: key(40), ofActive: key(40), ofPaid: key(41), named: key(41), recent: key(10) };
		for (const k of Object.values(e)) await images.put(k, JPEG, 'image/jpeg');
		const action = (evidenceKey: string, sessionId: string) => ({
			id: newId(), userId: 'patrol-1', lotId: lot.id, kind: 'violation' as const, plate: 'KA01ZZ0002', at: T - 40 * DAY, receivedAt: T - 40 * DAY,
			outcome: 'applied' as const, code: null, message: null, sessionId, evidenceKey, details: { reason: 'no-parking zone' }
		});
		await db.transaction(async (x) => {
			await x.q.insert(x.t.patrolActions).values([action(e.ofActive, active.id), action(e.ofPaid, paid.id)]);
			await upsertAnomaly(x, anomaly(lot.id, { kind: 'hotlist-hit', evidence: { imageKey: e.named } }));
		});
		const first = await pruneImages(db, images, T);
		expect(first).toMatchObject({ evidence: 2, evidenceKept: 2, failed: 0 });
		expect(await stored(e.orphan)).toBe(false);
		expect(await stored(e.ofPaid)).toBe(false);
		for (const k of [e.ofActive, e.named, e.recent]) expect(await stored(k)).toBe(true);

		await db.transaction(async (x) => {
			await x.q.update(x.t.parkingSessions).set({ status: 'completed', activeKey: null, exitAt: T - DAY, feePaise: 0 }).where(eq(x.t.parkingSessions.id, active.id));
			await x.q.update(x.t.anomalies).set({ status: 'resolved' }).where(eq(x.t.anomalies.lotId, lot.id));
		});
		expect(await pruneImages(db, images, T)).toMatchObject({ evidence: 2, evidenceKept: 0 });
		expect(await stored(e.ofActive)).toBe(false);
		expect(await stored(e.named)).toBe(false);
		expect(await stored(e.recent)).toBe(true);
		expect(await images.listKeys(`evidence/${scopeFolder(lot.id)}/`)).toEqual([e.recent]);
	});

	test.skipIf(skip)("phone numbers of drivers inactive for the period are erased; the active ones', staff's, sessions, payments and counts stay", async () => {
		const days = 365;
		const old = T - 400 * DAY;
		const lot = await createLot(db, lotInput(`People ${engine}`, 30), null, old);
		const users = {
			gone: { id: newId(), role: 'driver' as const, createdAt: old },
			signedIn: { id: newId(), role: 'driver' as const, createdAt: old },
			parked: { id: newId(), role: 'driver' as const, createdAt: old },
			owes: { id: newId(), role: 'driver' as const, createdAt: old },
			recent: { id: newId(), role: 'driver' as const, createdAt: T - 100 * DAY },
			operator: { id: newId(), role: 'operator' as const, createdAt: old }
		};
		const plates = { parked: 'KA02AA0001', owes: 'KA02AA0002', goneCar: 'KA02AA0003', seen: 'KA02AA0004', permitted: 'KA02AA0005', fresh: 'KA02AA0006' };
		const sessions = [
			session(lot.id, { plate: plates.parked, entryAt: T - 100 * DAY, exitAt: T - 100 * DAY + 3_600_000 }),
			session(lot.id, { plate: plates.owes, entryAt: T - 500 * DAY, exitAt: T - 500 * DAY + 3_600_000, paidPaise: 0 }),
			session(lot.id, { plate: plates.goneCar, entryAt: T - 380 * DAY, exitAt: T - 380 * DAY + 3_600_000 }),
			session(lot.id, { plate: plates.seen, entryAt: T - 30 * DAY, exitAt: T - 30 * DAY + 3_600_000 })
		];
		const permits = {
			ended: { id: newId(), validUntil: T - 400 * DAY, revokedAt: null },
			endedRecently: { id: newId(), validUntil: T - 100 * DAY, revokedAt: null },
			revoked: { id: newId(), validUntil: T + 100 * DAY, revokedAt: T - 370 * DAY },
			running: { id: newId(), validUntil: T + 30 * DAY, revokedAt: null, plate: plates.permitted }
		};
		const messages = [outboxRow(T - 400 * DAY, { status: 'accepted' }), outboxRow(T - 400 * DAY, { status: 'pending' }), outboxRow(T - 10 * DAY, { status: 'accepted' })];
		await db.transaction(async (x) => {
			for (const [name, u] of Object.entries(users)) {
				await x.q.insert(x.t.users).values({ id: u.id, email: `${name}-${u.id}@example.com`, passwordHash: 'x', role: u.role, phone: '+919800000001', createdAt: u.createdAt, passwordChangedAt: u.createdAt });
			}
			await x.q.insert(x.t.authSessions).values([
				{ id: newId(), userId: users.signedIn.id, kind: 'cookie', createdAt: T - 40 * DAY, expiresAt: T - 10 * DAY },
				{ id: newId(), userId: users.gone.id, kind: 'cookie', createdAt: T - 398 * DAY, expiresAt: T - 368 * DAY }
			]);
			const vehicle = (plate: string, owner: string | null, phone: string | null, updatedAt: number) => ({ plate, vehicleClass: 'car', ownerUserId: owner, phone, createdAt: old, updatedAt });
			await x.q.insert(x.t.vehicles).values([
				vehicle(plates.parked, users.parked.id, null, old),
				vehicle(plates.owes, users.owes.id, null, old),
				vehicle(plates.goneCar, null, '+919800000002', old),
				vehicle(plates.seen, null, '+919800000003', old),
				vehicle(plates.permitted, null, '+919800000004', old),
				vehicle(plates.fresh, null, '+919800000005', T - 10 * DAY)
			]);
			for (const s of sessions) await insertSession(x, s);
			for (const s of sessions) if (s.paidPaise) await insertPayment(x, { id: newId(), sessionId: s.id, lotId: lot.id, amountPaise: s.paidPaise, method: 'upi', reference: null, receivedBy: null, at: s.exitAt! });
			for (const p of Object.values(permits)) {
				await x.q.insert(x.t.permits).values({ id: p.id, plate: 'plate' in p ? p.plate : 'KA03BB0001', kind: 'monthly', lotIds: [lot.id], validFrom: old - 30 * DAY, validUntil: p.validUntil, holderName: 'A. Holder', phone: '+919800000006', createdBy: null, createdAt: old, revokedAt: p.revokedAt });
			}
			await x.q.insert(x.t.smsOutbox).values(messages);
		});
		const read = () => db.run(async (x) => ({
			users: await x.q.select().from(x.t.users),
			vehicles: await x.q.select().from(x.t.vehicles),
			permits: await x.q.select().from(x.t.permits),
			sms: await x.q.select().from(x.t.smsOutbox),
			sessions: await x.q.select().from(x.t.parkingSessions),
			payments: await x.q.select().from(x.t.payments),
			anomalies: await x.q.select().from(x.t.anomalies)
		}));
		const before = await read();

		const counts = await erasePersonalData(db, T, { personalDataDays: days });
		expect(counts).toEqual({ driverPhones: 1, vehiclePhones: 1, permits: 2, messages: 2 });
		const after = await read();
		const phoneOf = (id: string) => after.users.find((u) => u.id === id)!.phone;
		expect(phoneOf(users.gone.id)).toBeNull();
		for (const id of [users.signedIn.id, users.parked.id, users.owes.id, users.recent.id, users.operator.id]) expect(phoneOf(id)).toBe('+919800000001');
		const vehiclePhone = (plate: string) => after.vehicles.find((v) => v.plate === plate)!.phone;
		expect(vehiclePhone(plates.goneCar)).toBeNull();
		expect([vehiclePhone(plates.seen), vehiclePhone(plates.permitted), vehiclePhone(plates.fresh)]).toEqual(['+919800000003', '+919800000004', '+919800000005']);
		const permit = (id: string) => after.permits.find((p) => p.id === id)!;
		for (const id of [permits.ended.id, permits.revoked.id]) expect(permit(id)).toMatchObject({ holderName: null, phone: null, plate: 'KA03BB0001' });
		for (const id of [permits.endedRecently.id, permits.running.id]) expect(permit(id)).toMatchObject({ holderName: 'A. Holder', phone: '+919800000006' });
		const sms = (id: string) => after.sms.find((m) => m.id === id)!;
		expect(sms(messages[0]!.id)).toMatchObject({ toPhone: '', body: '', status: 'accepted', kind: messages[0]!.kind, segments: 1 });
		expect(sms(messages[1]!.id)).toMatchObject({ toPhone: '', body: '', status: 'cancelled' });
		expect(sms(messages[2]!.id)).toMatchObject({ toPhone: messages[2]!.toPhone, body: messages[2]!.body });
		// revenue and the records it comes from are untouched
		expect(after.sessions).toEqual(before.sessions);
		expect(after.payments).toEqual(before.payments);
		expect(after.anomalies).toEqual(before.anomalies);
		expect(after.permits.length).toBe(before.permits.length);
		expect(after.sms.length).toBe(before.sms.length);

		const audit = await db.run((x) => x.q.select().from(x.t.auditLog).where(eq(x.t.auditLog.action, 'retention.personal_data')));
		expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ driverPhones: 1, vehiclePhones: 1, permits: 2, messages: 2, days })]);
		// nothing left to do: a second run erases nothing and writes no audit line
		expect(await erasePersonalData(db, T, { personalDataDays: days })).toEqual({ driverPhones: 0, vehiclePhones: 0, permits: 0, messages: 0 });
		expect((await db.run((x) => x.q.select().from(x.t.auditLog).where(eq(x.t.auditLog.action, 'retention.personal_data')))).length).toBe(1);
		// a year on, the driver who signed in and the car seen 30 days ago are inactive too
		const later = await erasePersonalData(db, T + 400 * DAY, { personalDataDays: days });
		expect(later.driverPhones).toBeGreaterThanOrEqual(2);
		expect(later.vehiclePhones).toBeGreaterThanOrEqual(2);
	});
});

describe.each(ENGINES)('the retention jobs run once per round across two instances on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());

	test.skipIf(skip)('two instances ticking at the same moment: each job runs on one of them, and again only when due', async () => {
		let tdb: TestDatabase | undefined;
		let a: Database;
		let b: Database;
		if (engine === 'mysql') {
			tdb = await createTestDatabase('mysql');
			a = tdb.db;
			b = await openDatabase({ engine: 'mysql', url: tdb.url }, migrations);
		} else {
			const { mkdtempSync } = await import('node:fs');
			const { tmpdir } = await import('node:os');
			const file = `${mkdtempSync(`${tmpdir()}/spms-retention-`)}/db.sqlite`;
			a = await openDatabase({ engine: 'sqlite', file }, migrations);
			b = await openDatabase({ engine: 'sqlite', file }, migrations);
		}
		try {
			const jobs = retentionJobs(images, { personalDataDays: 365 });
			const names = jobs.map((j) => j.name).sort();
			// MySQL: the two ticks race. SQLite: one after the other, at the same instant — two handles
			// in one process can't interleave transactions (better-sqlite3 waits for a lock synchronously,
			// so the holder could never go on); two processes on one file can, and claim the same way
			const round = async (at: number) =>
				(engine === 'mysql'
					? await Promise.all([runDueJobs(a, jobs, 'instance-a', at), runDueJobs(b, jobs, 'instance-b', at)])
					: [await runDueJobs(a, jobs, 'instance-a', at), await runDueJobs(b, jobs, 'instance-b', at)]
				)
					.flat()
					.sort();
			expect(await round(T)).toEqual(names);
			expect(await round(T + 30 * 60_000)).toEqual([]);
			expect(await round(T + 61 * 60_000)).toEqual(['retention-images']);
			expect(await round(T + 25 * 3_600_000)).toEqual(names);
			const leases = await a.run((x) => x.q.select().from(x.t.jobLeases));
			expect(Object.fromEntries(leases.map((l) => [l.name, l.runs]))).toEqual({ 'retention-images': 3, 'retention-personal-data': 2 });
		} finally {
			await b.close();
			if (tdb) await tdb.drop();
			else await a.close();
		}
	});
});
