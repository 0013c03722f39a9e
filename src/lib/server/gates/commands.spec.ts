import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { createLot, type Lot } from '../parking/lots.ts';
import { acknowledgeCommand, COMMAND_TTL_MS, gateStatus, issueCommand, OFFLINE_AFTER_MS, pollCommands } from './commands.ts';
import { gateWithKey } from './testing.ts';

describe.each(ENGINES)('gate commands on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let lot: Lot;
	const T0 = Date.UTC(2026, 10, 2, 4, 0);

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		lot = await createLot(tdb.db, { name: 'Gates', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, T0);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('a command is delivered until acknowledged, then never again; it is audited', async () => {
		const { gate } = await gateWithKey(tdb.db, lot.id, 'exit', T0);
		const cmd = await issueCommand(tdb.db, gate.id, { command: 'open', reason: 'paid in cash at the booth' }, 'op-1', T0);
		const clock = () => T0 + 1000;
		expect(await pollCommands(tdb.db, gate.id, 0, undefined, clock)).toEqual([cmd]);
		// the response was lost: the gate polls again and gets it again
		expect(await pollCommands(tdb.db, gate.id, 0, undefined, clock)).toEqual([cmd]);
		await acknowledgeCommand(tdb.db, gate.id, cmd.id, T0 + 2000);
		await acknowledgeCommand(tdb.db, gate.id, cmd.id, T0 + 3000); // twice is fine
		expect(await pollCommands(tdb.db, gate.id, 0, undefined, clock)).toEqual([]);
		const [row] = await tdb.db.run((x) => x.q.select().from(x.t.gateCommands).where(eq(x.t.gateCommands.id, cmd.id)));
		expect(row).toMatchObject({ deliveredAt: T0 + 1000, ackedAt: T0 + 2000 });
		const audit = await tdb.db.run((x) => x.q.select().from(x.t.auditLog).where(eq(x.t.auditLog.entityId, gate.id)));
		expect(audit).toEqual([expect.objectContaining({ action: 'gate.open', actorUserId: 'op-1', details: expect.objectContaining({ commandId: cmd.id, reason: 'paid in cash at the booth' }) })]);
	});

	test.skipIf(skip)('a long poll waits, and returns as soon as a command is issued', async () => {
		const { gate } = await gateWithKey(tdb.db, lot.id, 'exit', T0);
		const started = Date.now();
		const polling = pollCommands(tdb.db, gate.id, 10);
		await new Promise((r) => setTimeout(r, 150));
		const cmd = await issueCommand(tdb.db, gate.id, { command: 'close', reason: 'closing for the night' }, 'op-1', Date.now());
		expect(await polling).toEqual([cmd]);
		expect(Date.now() - started).toBeLessThan(3000);
	});

	test.skipIf(skip)('an empty poll ends at its deadline, or when the gate hangs up', async () => {
		const { gate } = await gateWithKey(tdb.db, lot.id, 'exit', T0);
		let started = Date.now();
		expect(await pollCommands(tdb.db, gate.id, 1, undefined, Date.now, 200)).toEqual([]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		const hangUp = new AbortController();
		started = Date.now();
		setTimeout(() => hangUp.abort(), 100);
		expect(await pollCommands(tdb.db, gate.id, 20, hangUp.signal)).toEqual([]);
		expect(Date.now() - started).toBeLessThan(2000);
	});

	test.skipIf(skip)('an expired command is not delivered; another gate cannot acknowledge it; a capture of another gate is refused', async () => {
		const { gate } = await gateWithKey(tdb.db, lot.id, 'exit', T0);
		const other = await gateWithKey(tdb.db, lot.id, 'entry', T0);
		const cmd = await issueCommand(tdb.db, gate.id, { command: 'open', reason: 'manual open' }, 'op-1', T0);
		expect(await pollCommands(tdb.db, gate.id, 0, undefined, () => T0 + COMMAND_TTL_MS)).toEqual([]);
		await expect(acknowledgeCommand(tdb.db, other.gate.id, cmd.id, T0)).rejects.toMatchObject({ status: 404 });
		await expect(issueCommand(tdb.db, 'nope', { command: 'open', reason: 'manual open' }, 'op-1', T0)).rejects.toMatchObject({ status: 404 });
		await expect(issueCommand(tdb.db, gate.id, { command: 'open', reason: 'manual open', captureId: 'nope' }, 'op-1', T0)).rejects.toMatchObject({ status: 404 });
	});

	test.skipIf(skip)('a gate is online while heard from within a minute', async () => {
		const { gate } = await gateWithKey(tdb.db, lot.id, 'entry', T0);
		expect(await gateStatus(tdb.db, gate.id, T0)).toMatchObject({ online: false, last_seen_at: null });
		await pollCommands(tdb.db, gate.id, 0, undefined, () => T0);
		expect(await gateStatus(tdb.db, gate.id, T0 + OFFLINE_AFTER_MS - 1)).toMatchObject({ online: true, last_seen_at: T0 });
		expect(await gateStatus(tdb.db, gate.id, T0 + OFFLINE_AFTER_MS)).toMatchObject({ online: false });
		await issueCommand(tdb.db, gate.id, { command: 'open', reason: 'manual open' }, 'op-1', T0);
		expect((await gateStatus(tdb.db, gate.id, T0 + 1)).pending_commands).toBe(1);
	});
});
