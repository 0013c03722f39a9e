import { and, asc, count, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { affectedRows, type Executor } from '../db/database.ts';

export type SessionRow = Executor['t']['parkingSessions']['$inferSelect'];
export type PaymentRow = Executor['t']['payments']['$inferSelect'];

/** What identifies an active session in the unique index: one per plate per lot. */
export const activeKeyOf = (lotId: string, plate: string) => `${lotId}:${plate}`;

export async function insertSession(x: Executor, row: SessionRow): Promise<void> {
	await x.q.insert(x.t.parkingSessions).values(row);
}

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
	return affectedRows(await x.q.update(x.t.parkingSessions).set(patch).where(eq(x.t.parkingSessions.id, id)));
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
