import { and, asc, desc, eq, gte, inArray, isNotNull, lt, notExists } from 'drizzle-orm';
import { affectedRows, type Executor } from '../db/database.ts';

export type CaptureRow = Executor['t']['gateCaptures']['$inferSelect'];
type GateRow = Executor['t']['gates']['$inferSelect'];
type LotRow = Executor['t']['lots']['$inferSelect'];

/** A gate and its lot in one round trip (a capture needs both before anything else). */
export async function findGateWithLot(x: Executor, gateId: string): Promise<{ gate: GateRow; lot: LotRow | null } | undefined> {
	const g = x.t.gates;
	const l = x.t.lots;
	return (await x.q.select({ gate: g, lot: l }).from(g).leftJoin(l, eq(l.id, g.lotId)).where(eq(g.id, gateId)).limit(1))[0];
}

/** Inserts a claim; a second claim of the same gate and idempotency key fails with a unique violation. */
export async function insertCapture(x: Executor, row: CaptureRow): Promise<void> {
	await x.q.insert(x.t.gateCaptures).values(row);
}

export async function findCapture(x: Executor, gateId: string, idempotencyKey: string): Promise<CaptureRow | undefined> {
	const t = x.t.gateCaptures;
	return (await x.q.select().from(t).where(and(eq(t.gateId, gateId), eq(t.idempotencyKey, idempotencyKey))).limit(1))[0];
}

export async function findCaptureById(x: Executor, id: string): Promise<CaptureRow | undefined> {
	return (await x.q.select().from(x.t.gateCaptures).where(eq(x.t.gateCaptures.id, id)).limit(1))[0];
}

/** A capture, locked until the transaction ends (MySQL; SQLite's transactions are serial anyway). */
export async function findCaptureForUpdate(x: Executor, id: string): Promise<CaptureRow | undefined> {
	const q = x.q.select().from(x.t.gateCaptures).where(eq(x.t.gateCaptures.id, id)).limit(1);
	if (x.engine === 'mysql') return ((await (q as unknown as { for(m: 'update'): Promise<CaptureRow[]> }).for('update')) as CaptureRow[])[0];
	return (await q)[0];
}

export async function updateCapture(x: Executor, id: string, patch: Partial<Omit<CaptureRow, 'id'>>): Promise<void> {
	await x.q.update(x.t.gateCaptures).set(patch).where(eq(x.t.gateCaptures.id, id));
}

/** Deletes a claim still `processing` (its attempt failed, so the next retry decides afresh); a decided capture stays. */
export async function releaseClaim(x: Executor, id: string): Promise<void> {
	const t = x.t.gateCaptures;
	await x.q.delete(t).where(and(eq(t.id, id), eq(t.status, 'processing')));
}

/** Releases a claim still `processing` since before `cutoff` (its request died); true when this call released it. */
export async function releaseStaleClaim(x: Executor, id: string, cutoff: number): Promise<boolean> {
	const t = x.t.gateCaptures;
	return affectedRows(await x.q.delete(t).where(and(eq(t.id, id), eq(t.status, 'processing'), lt(t.updatedAt, cutoff)))) === 1;
}

/** What a gate answered when a car left (or was held to pay on its way out): reasons of exits only. */
export const EXIT_REASONS = ['paid', 'free', 'payment_due', 'permit'] as const;

/**
 * The latest capture in a lot since `since` whose answer let this plate out or held it for payment
 * (a car still at the barrier, or photographed again by a second camera). A `permit` answer may be
 * an entry's: the caller checks the session it names.
 */
export async function lastExitCapture(x: Executor, lotId: string, plate: string, since: number): Promise<CaptureRow | undefined> {
	const t = x.t.gateCaptures;
	return (
		await x.q
			.select()
			.from(t)
			.where(and(eq(t.lotId, lotId), eq(t.plate, plate), eq(t.status, 'done'), inArray(t.reason, [...EXIT_REASONS]), isNotNull(t.sessionId), gte(t.receivedAt, since)))
			.orderBy(desc(t.receivedAt))
			.limit(1)
	)[0];
}

/** Captures of a lot received before `before` that still have an image (for the retention job). */
export async function capturesWithImagesBefore(x: Executor, lotId: string, before: number, limit: number): Promise<CaptureRow[]> {
	const t = x.t.gateCaptures;
	return x.q.select().from(t).where(and(eq(t.lotId, lotId), lt(t.receivedAt, before), isNotNull(t.imageKey))).orderBy(asc(t.receivedAt)).limit(limit);
}

export interface CaptureFilter {
	decision?: 'open' | 'deny' | 'hold';
	/** only captures no command was issued for yet (holds still waiting for a person) */
	unresolved?: boolean;
}

/** A gate's captures, newest first. */
export async function listCaptures(x: Executor, gateId: string, filter: CaptureFilter, limit: number): Promise<CaptureRow[]> {
	const t = x.t.gateCaptures;
	const c = x.t.gateCommands;
	const where = [eq(t.gateId, gateId), eq(t.status, 'done')];
	if (filter.decision) where.push(eq(t.decision, filter.decision));
	if (filter.unresolved) where.push(notExists(x.q.select({ id: c.id }).from(c).where(eq(c.captureId, t.id))));
	return x.q.select().from(t).where(and(...where)).orderBy(desc(t.receivedAt), desc(t.id)).limit(limit);
}
