import { and, asc, count, desc, eq, exists, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { affectedRows, type Executor } from '../db/database.ts';
import { recordPayment, recordSessionChange } from '../reports/rollups.repo.ts';
import type { LotRow } from './lots.repo.ts';
import { liveHotlistOf, livePermitsOf } from './permits.repo.ts';

export type SessionRow = Executor['t']['parkingSessions']['$inferSelect'];
export type PaymentRow = Executor['t']['payments']['$inferSelect'];

/** What identifies an active session in the unique index: one per plate per lot. */
export const activeKeyOf = (lotId: string, plate: string) => `${lotId}:${plate}`;

// Every write to sessions and payments goes through this file and records what it does to the
// reports (report_deltas) in the same transaction: keep it so for any new write.
export async function insertSession(x: Executor, row: SessionRow): Promise<void> {
	await x.q.insert(x.t.parkingSessions).values(row);
	await recordSessionChange(x, row.id, undefined, row);
}

/** The fields the reports read: changing one records the change (see `recordSessionChange`). */
const REPORTED = ['lotId', 'status', 'entryAt', 'exitAt', 'vehicleClass'] as const;
const defined = <T extends object>(patch: T) => Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The session, locked for update on MySQL (SQLite's write transaction already holds the database). */
export async function findSessionForUpdate(x: Executor, id: string): Promise<SessionRow | undefined> {
	const q = x.q.select().from(x.t.parkingSessions).where(eq(x.t.parkingSessions.id, id)).limit(1);
	if (x.engine === 'mysql') return ((await (q as unknown as { for(m: 'update'): Promise<SessionRow[]> }).for('update')) as SessionRow[])[0];
	return (await q)[0];
}

export async function findSession(x: Executor, id: string): Promise<SessionRow | undefined> {
	return (await x.q.select().from(x.t.parkingSessions).where(eq(x.t.parkingSessions.id, id)).limit(1))[0];
}

export async function findActiveSession(x: Executor, lotId: string, plate: string): Promise<SessionRow | undefined> {
	const t = x.t.parkingSessions;
	return (await x.q.select().from(t).where(eq(t.activeKey, activeKeyOf(lotId, plate))).limit(1))[0];
}

export async function listActiveSessions(x: Executor, lotId: string): Promise<SessionRow[]> {
	const t = x.t.parkingSessions;
	return x.q.select().from(t).where(and(eq(t.lotId, lotId), eq(t.status, 'active'))).orderBy(asc(t.entryAt));
}

/** Active sessions that entered at or before `enteredBy`, across lots (the long-stay scan). */
export async function listActiveSessionsEnteredBy(x: Executor, lotId: string, enteredBy: number): Promise<SessionRow[]> {
	const t = x.t.parkingSessions;
	return x.q.select().from(t).where(and(eq(t.lotId, lotId), eq(t.status, 'active'), lte(t.entryAt, enteredBy)));
}

export async function updateSession(x: Executor, id: string, patch: Partial<Omit<SessionRow, 'id'>>): Promise<number> {
	const before = REPORTED.some((k) => patch[k] !== undefined) ? await findSessionForUpdate(x, id) : undefined;
	const changed = affectedRows(await x.q.update(x.t.parkingSessions).set(patch).where(eq(x.t.parkingSessions.id, id)));
	if (before && changed) await recordSessionChange(x, id, before, { ...before, ...defined(patch) });
	return changed;
}

/**
 * Updates an active session only if nobody changed it since `seen` was read (not ended, voided,
 * corrected or paid meanwhile): ending a session without locking it first.
 * @returns whether the row was updated
 */
export async function updateSessionIfUnchanged(x: Executor, seen: SessionRow, patch: Partial<Omit<SessionRow, 'id'>>): Promise<boolean> {
	const t = x.t.parkingSessions;
	if (seen.status !== 'active' || seen.activeKey === null) return false;
	const unchanged = and(
		eq(t.id, seen.id),
		eq(t.status, 'active'),
		eq(t.activeKey, seen.activeKey),
		eq(t.vehicleClass, seen.vehicleClass),
		eq(t.entryAt, seen.entryAt),
		eq(t.paidPaise, seen.paidPaise),
		eq(t.updatedAt, seen.updatedAt)
	);
	if (affectedRows(await x.q.update(t).set(patch).where(unchanged)) !== 1) return false;
	// the update matched `seen`'s status, class and entry: it is the row as it was
	await recordSessionChange(x, seen.id, seen, { ...seen, ...defined(patch) });
	return true;
}

/** What starting a session needs to know, read in one statement by `findEntryContext`. */
export interface EntryContext {
	lot: LotRow;
	/** the plate has unrevoked permits that haven't ended (`permitsOfPlate` would find some) */
	hasPermits: boolean;
	/** the plate has live hotlist entries (`hotlistOfPlate` would find some) */
	onHotlist: boolean;
	/** active sessions per vehicle class, as `occupancyByClass` counts them */
	occupancy: Record<string, number>;
}

/**
 * The lot, whether the plate has permits or hotlist entries, and the lot's occupancy, in one
 * round trip instead of four; undefined when there is no such lot. Call it inside the
 * transaction that then makes the change: on MariaDB (REPEATABLE READ) every plain read of a
 * transaction sees one snapshot plus the transaction's own changes, so this occupancy plus the
 * change made after it is exactly what a COUNT after the change would answer (also when the
 * transaction is a savepoint of a larger one). SQLite's write transaction holds the database, so
 * the same holds there.
 */
export async function findEntryContext(x: Executor, lotId: string, plate: string, at: number): Promise<EntryContext | undefined> {
	const l = x.t.lots;
	const rows = await x.q
		.select({
			lot: l,
			hasPermits: flag(exists(x.q.select({ one: sql`1` }).from(x.t.permits).where(livePermitsOf(x, plate, at)))),
			onHotlist: flag(exists(x.q.select({ one: sql`1` }).from(x.t.hotlist).where(liveHotlistOf(x, plate, at)))),
			occupancy: occupancyOf(x, sql`${lotId}`)
		})
		.from(l)
		.where(eq(l.id, lotId))
		.limit(1);
	const row = rows[0];
	return row && { ...row, occupancy: row.occupancy ?? {} };
}

/** What ending a session needs to know, read in one statement by `findExitContext`. */
export interface ExitContext {
	session: SessionRow;
	lot: LotRow;
	/** the lot's own plan for the session's vehicle class, if it has one (as stored) */
	plan: Record<string, unknown> | null;
	/** the session's plate has unrevoked permits that haven't ended by `at` */
	hasPermits: boolean;
	/** active sessions per vehicle class in the session's lot, this one included while active */
	occupancy: Record<string, number>;
}

/**
 * A session with its lot, the lot's plan for its class, whether its plate has permits, and the
 * lot's occupancy, in one round trip (not locking anything: pair it with
 * `updateSessionIfUnchanged`). The snapshot argument of `findEntryContext` applies.
 */
export async function findExitContext(x: Executor, sessionId: string, at: number): Promise<ExitContext | undefined> {
	const s = x.t.parkingSessions;
	const l = x.t.lots;
	const tp = x.t.tariffPlans;
	const rows = await x.q
		.select({
			session: s,
			lot: l,
			plan: sql`${x.q.select({ plan: tp.plan }).from(tp).where(and(eq(tp.lotId, s.lotId), eq(tp.vehicleClass, s.vehicleClass)))}`.mapWith(tp.plan),
			hasPermits: flag(exists(x.q.select({ one: sql`1` }).from(x.t.permits).where(livePermitsOf(x, s.plate, at)))),
			occupancy: occupancyOf(x, sql`(select ${s.lotId} from ${s} where ${s.id} = ${sessionId})`)
		})
		.from(s)
		.innerJoin(l, eq(l.id, s.lotId))
		.where(eq(s.id, sessionId))
		.limit(1);
	const row = rows[0];
	return row && { ...row, plan: row.plan ?? null, occupancy: row.occupancy ?? {} };
}

/** A boolean the engines answer as 0 / 1. */
function flag(condition: SQL): SQL<boolean> {
	return sql`${condition}`.mapWith((v: unknown) => Number(v) === 1);
}

/**
 * `occupancyByClass` as one scalar subquery answering a JSON object (null on MariaDB when the lot
 * is empty). `lotId` is a value or an uncorrelated subquery (MariaDB's derived tables can't see
 * the outer query).
 */
function occupancyOf(x: Executor, lotId: SQL): SQL<Record<string, number> | null> {
	const t = x.t.parkingSessions;
	const aggregate = sql.raw(x.engine === 'sqlite' ? 'json_group_object' : 'json_objectagg');
	const counts = sql`select ${t.vehicleClass} as vehicle_class, count(*) as n from ${t} where ${t.lotId} = ${lotId} and ${t.status} = 'active' group by ${t.vehicleClass}`;
	return sql`(select ${aggregate}(o.vehicle_class, o.n) from (${counts}) o)`.mapWith((v: unknown) => {
		// SQLite answers JSON text; mysql2 parses MariaDB's JSON itself
		const parsed = (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
		return Object.fromEntries(Object.entries(parsed).map(([k, n]) => [k, Number(n)]));
	});
}

/** An occupancy with `delta` vehicles of a class more (a class at zero is left out, as COUNT does). */
export function occupancyWith(occupancy: Record<string, number>, vehicleClass: string, delta: number): Record<string, number> {
	const out = { ...occupancy };
	const n = (out[vehicleClass] ?? 0) + delta;
	if (n > 0) out[vehicleClass] = n;
	else delete out[vehicleClass];
	return out;
}

export async function occupancyByClass(x: Executor, lotId: string): Promise<Record<string, number>> {
	const t = x.t.parkingSessions;
	const rows = await x.q
		.select({ vehicleClass: t.vehicleClass, n: count() })
		.from(t)
		.where(and(eq(t.lotId, lotId), eq(t.status, 'active')))
		.groupBy(t.vehicleClass);
	return Object.fromEntries(rows.map((r) => [r.vehicleClass, Number(r.n)]));
}

export interface SessionFilter {
	lotId?: string;
	plate?: string;
	status?: SessionRow['status'];
	from?: number;
	until?: number;
	startedBy?: string;
}

export async function listSessions(x: Executor, filter: SessionFilter, limit: number, offset: number): Promise<{ rows: SessionRow[]; total: number }> {
	const t = x.t.parkingSessions;
	const where: SQL[] = [];
	if (filter.lotId) where.push(eq(t.lotId, filter.lotId));
	if (filter.plate) where.push(eq(t.plate, filter.plate));
	if (filter.status) where.push(eq(t.status, filter.status));
	if (filter.from !== undefined) where.push(gte(t.entryAt, filter.from));
	if (filter.until !== undefined) where.push(lt(t.entryAt, filter.until));
	if (filter.startedBy) where.push(eq(t.startedBy, filter.startedBy));
	const cond = where.length ? and(...where) : undefined;
	const rows = await x.q.select().from(t).where(cond).orderBy(desc(t.entryAt), desc(t.id)).limit(limit).offset(offset);
	const total = Number((await x.q.select({ n: count() }).from(t).where(cond))[0]?.n ?? 0);
	return { rows, total };
}

export async function insertPayment(x: Executor, row: PaymentRow): Promise<void> {
	await x.q.insert(x.t.payments).values(row);
	await recordPayment(x, row);
}

export async function findPayment(x: Executor, id: string): Promise<PaymentRow | undefined> {
	return (await x.q.select().from(x.t.payments).where(eq(x.t.payments.id, id)).limit(1))[0];
}

export async function listPayments(x: Executor, sessionIds: string[]): Promise<PaymentRow[]> {
	if (sessionIds.length === 0) return [];
	return x.q.select().from(x.t.payments).where(inArray(x.t.payments.sessionId, sessionIds)).orderBy(asc(x.t.payments.at));
}

/** Adds to a session's paid total in one statement (no read-modify-write race). */
export async function addPaid(x: Executor, id: string, amountPaise: number, at: number): Promise<void> {
	const t = x.t.parkingSessions;
	await x.q
		.update(t)
		.set({ paidPaise: sql`${t.paidPaise} + ${amountPaise}`, updatedAt: at })
		.where(eq(t.id, id));
}
