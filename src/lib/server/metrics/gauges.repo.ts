/** What `/metrics` and `/readyz` read from the database at a scrape. */
import { count, gt, inArray } from 'drizzle-orm';
import { selectRows, sql, type Executor } from '../db/database.ts';

/** SMS rows still to go out (the outbox's depth), by status. */
export async function outboxDepth(x: Executor): Promise<Record<'pending' | 'sending', number>> {
	const t = x.t.smsOutbox;
	const rows = await x.q.select({ status: t.status, n: count() }).from(t).where(inArray(t.status, ['pending', 'sending'])).groupBy(t.status);
	const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
	return { pending: by.pending ?? 0, sending: by.sending ?? 0 };
}

/** Gates heard from after `since` (epoch ms), and all gates. */
export async function gateCounts(x: Executor, since: number): Promise<{ online: number; total: number }> {
	const t = x.t.gates;
	const [online] = await x.q.select({ n: count() }).from(t).where(gt(t.lastHeartbeatAt, since));
	const [total] = await x.q.select({ n: count() }).from(t);
	return { online: Number(online?.n ?? 0), total: Number(total?.n ?? 0) };
}

/** A round trip to the database. */
export async function ping(x: Executor): Promise<void> {
	await selectRows(x, sql`SELECT 1 AS one`);
}

/**
 * The newest migration the database has applied: drizzle's own bookkeeping (`__drizzle_migrations`,
 * whose `created_at` is the journal's `when` of each migration). Null when none has run.
 */
export async function lastAppliedMigration(x: Executor): Promise<number | null> {
	const rows = await selectRows<{ created_at: number | string | null }>(x, sql`SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1`);
	const v = rows[0]?.created_at;
	return v === undefined || v === null ? null : Number(v);
}
