import { eq, sql } from 'drizzle-orm';
import { execute, type Executor } from '../db/database.ts';

/**
 * Counts one hit on `key` in a fixed window of `windowMs` starting at its first hit, in one
 * atomic statement (safe with several app instances on one database).
 * @returns the hits in the current window, this one included, and when the window started.
 */
export async function hitRateLimit(
	x: Executor,
	key: string,
	windowMs: number,
	now: number
): Promise<{ hits: number; windowStart: number }> {
	const t = x.t.rateLimits;
	const stale = now - windowMs;
	if (x.engine === 'sqlite') {
		await x.q
			.insert(t)
			.values({ key, windowStart: now, hits: 1 })
			.onConflictDoUpdate({
				target: t.key,
				set: {
					hits: sql`CASE WHEN ${t.windowStart} <= ${stale} THEN 1 ELSE ${t.hits} + 1 END`,
					windowStart: sql`CASE WHEN ${t.windowStart} <= ${stale} THEN ${now} ELSE ${t.windowStart} END`
				}
			});
	} else {
		// MySQL evaluates SET left to right: compute hits from the old window_start first.
		await execute(x, sql`INSERT INTO rate_limits (\`key\`, window_start, hits) VALUES (${key}, ${now}, 1)
			ON DUPLICATE KEY UPDATE
				hits = IF(window_start <= ${stale}, 1, hits + 1),
				window_start = IF(window_start <= ${stale}, ${now}, window_start)`);
	}
	const row = await peekRateLimit(x, key);
	return row ?? { hits: 1, windowStart: now };
}

export async function peekRateLimit(x: Executor, key: string): Promise<{ hits: number; windowStart: number } | undefined> {
	const rows = await x.q
		.select({ hits: x.t.rateLimits.hits, windowStart: x.t.rateLimits.windowStart })
		.from(x.t.rateLimits)
		.where(eq(x.t.rateLimits.key, key))
		.limit(1);
	return rows[0];
}

export async function clearRateLimit(x: Executor, key: string): Promise<void> {
	await x.q.delete(x.t.rateLimits).where(eq(x.t.rateLimits.key, key));
}
