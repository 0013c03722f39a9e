import { and, asc, gt, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import type { HotlistRow, PermitRow } from '../parking/permits.repo.ts';

/** Permits not revoked and not ended by `at` (at most 20 000: a snapshot, not an export). */
export async function livePermits(x: Executor, at: number): Promise<PermitRow[]> {
	const t = x.t.permits;
	return x.q.select().from(t).where(and(isNull(t.revokedAt), gt(t.validUntil, at))).orderBy(asc(t.plate)).limit(20_000);
}

/** Hotlist entries live at `at`. */
export async function liveHotlist(x: Executor, at: number): Promise<HotlistRow[]> {
	const t = x.t.hotlist;
	return x.q.select().from(t).where(and(isNull(t.removedAt), or(isNull(t.expiresAt), gt(t.expiresAt, at)))).orderBy(asc(t.plate)).limit(20_000);
}
