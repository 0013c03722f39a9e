/**
 * Two app instances on one database (two handles, as two processes would have): an event written
 * through one reaches the other's stream, and a periodic job runs once per interval, not once per
 * instance. On SQLite the "instances" share one file, as two processes on one host would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../db/database.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { runDueJobs, type Job } from '../jobs/scheduler.ts';
import { EventHub, type LiveEvent } from './event-hub.ts';
import { createLot } from './lots.ts';
import { startSession, endSession } from './sessions.ts';

const T0 = Date.UTC(2026, 10, 3, 6, 0);
const settings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };
const migrations = resolve(import.meta.dirname, '../../../../drizzle');

describe.each(ENGINES)('two instances on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let a: Database;
	let b: Database;
	let cleanup: () => Promise<void>;

	beforeAll(async () => {
		if (skip) return;
		if (engine === 'mysql') {
			const tdb: TestDatabase = await createTestDatabase('mysql');
			a = tdb.db;
			b = await openDatabase({ engine: 'mysql', url: tdb.url }, migrations);
			cleanup = async () => {
				await b.close();
				await tdb.drop();
			};
		} else {
			const dir = mkdtempSync(join(tmpdir(), 'spms-two-'));
			a = await openDatabase({ engine: 'sqlite', file: join(dir, 'db.sqlite') }, migrations);
			b = await openDatabase({ engine: 'sqlite', file: join(dir, 'db.sqlite') }, migrations);
			cleanup = async () => {
				await a.close();
				await b.close();
				rmSync(dir, { recursive: true, force: true });
			};
		}
	});
	afterAll(async () => cleanup?.());

	test.skipIf(skip)('a session started on one instance is ended on the other, and the other streams it', async () => {
		const hubB = new EventHub(b, 20);
		const seen: LiveEvent[] = [];
		const unsubscribe = hubB.subscribe(null, (e) => seen.push(e));
		// let B's tail start from the current end of the table
		await new Promise((r) => setTimeout(r, 100));
		const lot = await createLot(a, { name: 'Shared', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 5 }, longStayMinutes: 60, imageRetentionDays: 30 }, null, T0);
		const { session } = await startSession(a, { lotId: lot.id, plate: 'KA01AB1234', at: T0 }, { userId: 'u' }, settings);
		const ended = await endSession(b, session.id, { at: T0 + 30 * 60_000 }, { userId: 'u' }, settings);
		expect(ended.feePaise).toBe(5000);
		await expect.poll(() => seen.map((e) => e.type), { timeout: 5_000 }).toEqual(['session.started', 'session.ended']);
		expect(seen[0]!.payload).toMatchObject({ sessionId: session.id });
		unsubscribe();
	});

	test.skipIf(skip)('a stream that reconnects to the other instance with the last id it saw gets what it missed, once, then the live events', async () => {
		const lot = await createLot(a, { name: 'Resume', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 60, imageRetentionDays: 30 }, null, T0);
		const other = await createLot(a, { name: 'Elsewhere', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 60, imageRetentionDays: 30 }, null, T0);
		const start = (lotId: string, n: number) => startSession(a, { lotId, plate: `KA02AB${String(1000 + n)}`, at: T0 + n }, { userId: 'u' }, settings);
		const hubA = new EventHub(a, 20);
		const firstStream: LiveEvent[] = [];
		const stopA = hubA.subscribe(lot.id, (e) => firstStream.push(e));
		await new Promise((r) => setTimeout(r, 100));
		await start(lot.id, 1);
		await expect.poll(() => firstStream.length, { timeout: 5_000 }).toBe(1);
		stopA(); // the instance went away
		const lastId = firstStream[0]!.seq;

		// meanwhile: two more in this lot, one in another
		await start(lot.id, 2);
		await start(other.id, 3);
		await start(lot.id, 4);
		const hubB = new EventHub(b, 20);
		const resumed: LiveEvent[] = [];
		const stopB = hubB.subscribe(lot.id, (e) => resumed.push(e), lastId);
		await expect.poll(() => resumed.length, { timeout: 5_000 }).toBe(2);
		await start(lot.id, 5);
		await expect.poll(() => resumed.length, { timeout: 5_000 }).toBe(3);
		await new Promise((r) => setTimeout(r, 100));
		stopB();
		expect(resumed.map((e) => e.payload.plate)).toEqual(['KA02AB1002', 'KA02AB1004', 'KA02AB1005']);
		expect(resumed.every((e) => e.seq > lastId && e.lotId === lot.id)).toBe(true);
	});

	test.skipIf(skip)('a periodic job runs once per interval however many instances tick', async () => {
		let runs = 0;
		const job: Job = { name: `count-${engine}`, intervalMs: 60_000, leaseMs: 30_000, run: async () => void runs++ };
		const ticks = await Promise.all([
			runDueJobs(a, [job], 'instance-a', T0),
			runDueJobs(b, [job], 'instance-b', T0),
			runDueJobs(a, [job], 'instance-a2', T0 + 1),
			runDueJobs(b, [job], 'instance-b2', T0 + 2)
		]);
		expect(runs).toBe(1);
		expect(ticks.flat()).toEqual([job.name]);
		// not yet due again; then due
		await runDueJobs(b, [job], 'instance-b', T0 + 30_000);
		expect(runs).toBe(1);
		await Promise.all([runDueJobs(a, [job], 'instance-a', T0 + 61_000), runDueJobs(b, [job], 'instance-b', T0 + 61_000)]);
		expect(runs).toBe(2);
		// the lease counts the runs it granted: what the two-process test reads
		const [lease] = await a.run((x) => x.q.select().from(x.t.jobLeases).where(eq(x.t.jobLeases.name, job.name)));
		expect(lease?.runs).toBe(2);
	});
});
