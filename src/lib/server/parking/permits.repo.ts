import { and, asc, desc, eq, gt, inArray, isNull, lte, or, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type PermitRow = Executor['t']['permits']['$inferSelect'];
export type HotlistRow = Executor['t']['hotlist']['$inferSelect'];

export async function insertPermit(x: Executor, row: PermitRow): Promise<void> {
	await x.q.insert(x.t.permits).values(row);
}

export async function findPermit(x: Executor, id: string): Promise<PermitRow | undefined> {
	return (await x.q.select().from(x.t.permits).where(eq(x.t.permits.id, id)).limit(1))[0];
}

/** Unrevoked permits of a plate that have not ended before `at` (lot filtering is the caller's). */
export async function permitsOfPlate(x: Executor, plate: string, at: number): Promise<PermitRow[]> {
	return x.q.select().from(x.t.permits).where(livePermitsOf(x, plate, at)).orderBy(desc(x.t.permits.validUntil));
}

/**
 * The condition `permitsOfPlate` selects by; `plate` may be a column, for a subquery correlated
 * with a session's plate.
 */
export function livePermitsOf(x: Executor, plate: string | AnyColumn, at: number): SQL | undefined {
	const t = x.t.permits;
	return and(eq(t.plate, plate), isNull(t.revokedAt), gt(t.validUntil, at));
}

export async function listPermits(x: Executor, plate: string | undefined, limit: number, offset: number): Promise<PermitRow[]> {
	const t = x.t.permits;
	const q = x.q.select().from(t);
	return (plate ? q.where(eq(t.plate, plate)) : q).orderBy(desc(t.createdAt), asc(t.id)).limit(limit).offset(offset);
}

export async function revokePermit(x: Executor, id: string, at: number): Promise<void> {
	await x.q.update(x.t.permits).set({ revokedAt: at }).where(eq(x.t.permits.id, id));
}

export async function insertHotlist(x: Executor, row: HotlistRow): Promise<void> {
	await x.q.insert(x.t.hotlist).values(row);
}

export async function findHotlist(x: Executor, id: string): Promise<HotlistRow | undefined> {
	return (await x.q.select().from(x.t.hotlist).where(eq(x.t.hotlist.id, id)).limit(1))[0];
}

/** Live hotlist entries for a plate: not removed and not expired at `at`. */
export async function hotlistOfPlate(x: Executor, plate: string, at: number): Promise<HotlistRow[]> {
	return x.q.select().from(x.t.hotlist).where(liveHotlistOf(x, plate, at));
}

/** The condition `hotlistOfPlate` selects by. */
export function liveHotlistOf(x: Executor, plate: string, at: number): SQL | undefined {
	const t = x.t.hotlist;
	return and(eq(t.plate, plate), isNull(t.removedAt), or(isNull(t.expiresAt), gt(t.expiresAt, at)));
}

export async function listHotlist(x: Executor, at: number, limit: number, offset: number): Promise<HotlistRow[]> {
	const t = x.t.hotlist;
	return x.q
		.select()
		.from(t)
		.where(and(isNull(t.removedAt), or(isNull(t.expiresAt), gt(t.expiresAt, at))))
		.orderBy(desc(t.createdAt), asc(t.id))
		.limit(limit)
		.offset(offset);
}

export async function removeHotlist(x: Executor, id: string, at: number): Promise<void> {
	await x.q.update(x.t.hotlist).set({ removedAt: at }).where(eq(x.t.hotlist.id, id));
}

/** Permits that lapsed at or before `at` (for the permit-expiry scan). */
export async function permitsEndedBy(x: Executor, ids: string[], at: number): Promise<PermitRow[]> {
	if (ids.length === 0) return [];
	const t = x.t.permits;
	return x.q.select().from(t).where(and(inArray(t.id, ids), lte(t.validUntil, at)));
}
