import { and, eq, gt, isNull } from 'drizzle-orm';
import { affectedRows, type Executor } from '../db/database.ts';

export async function deleteUnusedSetupTokens(x: Executor): Promise<void> {
	await x.q.delete(x.t.setupTokens).where(isNull(x.t.setupTokens.usedAt));
}

export async function insertSetupToken(x: Executor, id: string, now: number, expiresAt: number): Promise<void> {
	await x.q.insert(x.t.setupTokens).values({ id, createdAt: now, expiresAt, usedAt: null });
}

/** Marks a live, unused token used; false when there was none (unknown, used, or expired). */
export async function consumeSetupToken(x: Executor, id: string, now: number): Promise<boolean> {
	const t = x.t.setupTokens;
	const result = await x.q
		.update(t)
		.set({ usedAt: now })
		.where(and(eq(t.id, id), isNull(t.usedAt), gt(t.expiresAt, now)));
	return affectedRows(result) === 1;
}

export async function isSetupTokenLive(x: Executor, id: string, now: number): Promise<boolean> {
	const t = x.t.setupTokens;
	const rows = await x.q
		.select({ id: t.id })
		.from(t)
		.where(and(eq(t.id, id), isNull(t.usedAt), gt(t.expiresAt, now)))
		.limit(1);
	return rows.length === 1;
}
