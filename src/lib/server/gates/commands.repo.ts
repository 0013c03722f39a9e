import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type CommandRow = Executor['t']['gateCommands']['$inferSelect'];

export async function insertCommand(x: Executor, row: CommandRow): Promise<void> {
	await x.q.insert(x.t.gateCommands).values(row);
}

/** Commands not yet acknowledged and not expired, oldest first. */
export async function pendingCommands(x: Executor, gateId: string, now: number, limit = 10): Promise<CommandRow[]> {
	const t = x.t.gateCommands;
	return x.q.select().from(t).where(and(eq(t.gateId, gateId), isNull(t.ackedAt), gt(t.expiresAt, now))).orderBy(asc(t.issuedAt), asc(t.id)).limit(limit);
}

export async function countPending(x: Executor, gateId: string, now: number): Promise<number> {
	const t = x.t.gateCommands;
	const [row] = await x.q.select({ n: count() }).from(t).where(and(eq(t.gateId, gateId), isNull(t.ackedAt), gt(t.expiresAt, now)));
	return Number(row?.n ?? 0);
}

export async function markDelivered(x: Executor, ids: string[], now: number): Promise<void> {
	const t = x.t.gateCommands;
	for (const id of ids) await x.q.update(t).set({ deliveredAt: now }).where(and(eq(t.id, id), isNull(t.deliveredAt)));
}

export async function findCommand(x: Executor, id: string): Promise<CommandRow | undefined> {
	return (await x.q.select().from(x.t.gateCommands).where(eq(x.t.gateCommands.id, id)).limit(1))[0];
}

/** Sets `acked_at` once; a repeated acknowledgement changes nothing. */
export async function ackCommand(x: Executor, id: string, now: number): Promise<void> {
	const t = x.t.gateCommands;
	await x.q.update(t).set({ ackedAt: now }).where(and(eq(t.id, id), isNull(t.ackedAt)));
}

/** The command issued for a capture, if any (a capture is resolved once). */
export async function findCommandForCapture(x: Executor, captureId: string): Promise<CommandRow | undefined> {
	return (await x.q.select().from(x.t.gateCommands).where(eq(x.t.gateCommands.captureId, captureId)).limit(1))[0];
}
