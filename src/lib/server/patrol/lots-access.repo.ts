import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type UserLotRow = Executor['t']['userLots']['$inferSelect'];

/** The lot ids an account is limited to (empty: not limited). */
export async function lotIdsOfUser(x: Executor, userId: string): Promise<string[]> {
	const t = x.t.userLots;
	return (await x.q.select({ lotId: t.lotId }).from(t).where(eq(t.userId, userId))).map((r) => r.lotId).sort();
}

/** Replaces an account's lots. */
export async function replaceUserLots(x: Executor, userId: string, lotIds: readonly string[], at: number): Promise<void> {
	const t = x.t.userLots;
	await x.q.delete(t).where(eq(t.userId, userId));
	if (lotIds.length) await x.q.insert(t).values(lotIds.map((lotId) => ({ userId, lotId, createdAt: at })));
}

export async function hasUserLot(x: Executor, userId: string, lotId: string): Promise<boolean> {
	const t = x.t.userLots;
	return (await x.q.select({ lotId: t.lotId }).from(t).where(and(eq(t.userId, userId), eq(t.lotId, lotId))).limit(1)).length > 0;
}
