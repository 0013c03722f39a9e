import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { affectedRows, type Executor } from '../db/database.ts';
import { mysqlInsert } from '../parking/lots.repo.ts';

/**
 * Claims a periodic job for `holder` when its lease is free and it is due, in one conditional
 * UPDATE, so of several app instances exactly one wins each round.
 * @returns whether this holder may run the job now
 */
export async function claimJob(x: Executor, name: string, holder: string, now: number, leaseMs: number, intervalMs: number): Promise<boolean> {
	const t = x.t.jobLeases;
	const row = { name, holder: '', leaseUntil: 0, lastRunAt: null, runs: 0 };
	if (x.engine === 'sqlite') await x.q.insert(t).values(row).onConflictDoNothing();
	else await mysqlInsert(x, t, row).onDuplicateKeyUpdate({ set: { name: sql`name` } });
	const result = await x.q
		.update(t)
		.set({ holder, leaseUntil: now + leaseMs, runs: sql`${t.runs} + 1` })
		.where(and(eq(t.name, name), lte(t.leaseUntil, now), or(isNull(t.lastRunAt), lte(t.lastRunAt, now - intervalMs))));
	return affectedRows(result) === 1;
}

/** Marks a run finished: records when, and frees the lease. */
export async function finishJob(x: Executor, name: string, holder: string, now: number): Promise<void> {
	const t = x.t.jobLeases;
	await x.q.update(t).set({ lastRunAt: now, leaseUntil: now }).where(and(eq(t.name, name), eq(t.holder, holder)));
}
