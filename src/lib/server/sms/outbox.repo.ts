/**
 * The SMS outbox table. Claims are conditional UPDATEs, so of several senders (processes or app
 * instances) exactly one gets each due row; every later write names the claim token, so a sender
 * whose claim has lapsed and been taken over changes nothing.
 */
import { and, asc, count, desc, eq, inArray, isNull, lte, ne, or, type SQL } from 'drizzle-orm';
import { affectedRows, isUniqueViolation, type Executor } from '../db/database.ts';

export type OutboxRow = Executor['t']['smsOutbox']['$inferSelect'];
export type OutboxStatus = OutboxRow['status'];

/**
 * Adds a message unless one with its de-duplication key exists.
 * @returns whether it was added
 */
export async function insertOutbox(x: Executor, row: OutboxRow): Promise<boolean> {
	const t = x.t.smsOutbox;
	if (x.engine === 'sqlite') return affectedRows(await x.q.insert(t).values(row).onConflictDoNothing({ target: t.dedupKey })) === 1;
	// not ON DUPLICATE KEY UPDATE: mysql2's FOUND_ROWS flag makes it count 1 for a duplicate too.
	// A failed statement leaves MySQL's transaction open, so the caller's work goes on.
	try {
		await x.q.insert(t).values(row);
		return true;
	} catch (error) {
		if (isUniqueViolation(error)) return false;
		throw error;
	}
}

/** Due: pending and its time has come, or claimed by a sender whose lease has run out. */
function due(x: Executor, now: number): SQL {
	const t = x.t.smsOutbox;
	return or(and(eq(t.status, 'pending'), lte(t.nextAttemptAt, now)), and(eq(t.status, 'sending'), lte(t.claimUntil, now)))!;
}

/**
 * Claims up to `limit` due rows for `token` until `now + leaseMs`.
 * @returns the rows claimed (those another sender took first are not among them)
 */
export async function claimDue(x: Executor, token: string, now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
	const t = x.t.smsOutbox;
	const pending = await x.q.select({ id: t.id }).from(t).where(and(eq(t.status, 'pending'), lte(t.nextAttemptAt, now))).orderBy(asc(t.nextAttemptAt)).limit(limit);
	const lapsed = await x.q.select({ id: t.id }).from(t).where(and(eq(t.status, 'sending'), lte(t.claimUntil, now))).limit(limit);
	const ids = [...new Set([...lapsed, ...pending].map((r) => r.id))].slice(0, limit);
	if (ids.length === 0) return [];
	await x.q.update(t).set({ status: 'sending', claimedBy: token, claimUntil: now + leaseMs, updatedAt: now }).where(and(inArray(t.id, ids), due(x, now)));
	return x.q.select().from(t).where(and(eq(t.claimedBy, token), eq(t.status, 'sending')));
}

/** Writes to a row only while `token` holds it. @returns whether it still did */
export async function updateClaimed(x: Executor, id: string, token: string, patch: Partial<Omit<OutboxRow, 'id'>>): Promise<boolean> {
	const t = x.t.smsOutbox;
	return affectedRows(await x.q.update(t).set(patch).where(and(eq(t.id, id), eq(t.claimedBy, token), eq(t.status, 'sending')))) === 1;
}

/** Marks every waiting row "SMS not configured" (no Twilio credentials). @returns rows changed */
export async function holdUnconfigured(x: Executor, reason: string, now: number): Promise<number> {
	const t = x.t.smsOutbox;
	return affectedRows(await x.q.update(t).set({ holdReason: reason, updatedAt: now }).where(and(eq(t.status, 'pending'), or(isNull(t.holdReason), ne(t.holdReason, reason)))));
}

export async function findOutbox(x: Executor, id: string): Promise<OutboxRow | undefined> {
	return (await x.q.select().from(x.t.smsOutbox).where(eq(x.t.smsOutbox.id, id)).limit(1))[0];
}

export async function findOutboxBySid(x: Executor, sid: string): Promise<OutboxRow | undefined> {
	return (await x.q.select().from(x.t.smsOutbox).where(eq(x.t.smsOutbox.twilioSid, sid)).limit(1))[0];
}

/** Which of `sids` some row already holds. */
export async function sidsTaken(x: Executor, sids: string[]): Promise<Set<string>> {
	if (sids.length === 0) return new Set();
	const t = x.t.smsOutbox;
	return new Set((await x.q.select({ sid: t.twilioSid }).from(t).where(inArray(t.twilioSid, sids))).map((r) => r.sid!));
}

export async function updateOutbox(x: Executor, id: string, patch: Partial<Omit<OutboxRow, 'id'>>): Promise<void> {
	await x.q.update(x.t.smsOutbox).set(patch).where(eq(x.t.smsOutbox.id, id));
}

export interface OutboxFilter {
	status?: OutboxStatus;
	kind?: string;
}

export async function listOutbox(x: Executor, filter: OutboxFilter, limit: number, offset: number): Promise<OutboxRow[]> {
	const t = x.t.smsOutbox;
	const where = and(filter.status ? eq(t.status, filter.status) : undefined, filter.kind ? eq(t.kind, filter.kind) : undefined);
	return x.q.select().from(t).where(where).orderBy(desc(t.createdAt), asc(t.id)).limit(limit).offset(offset);
}

export async function countOutboxByStatus(x: Executor): Promise<Record<string, number>> {
	const t = x.t.smsOutbox;
	const rows = await x.q.select({ status: t.status, n: count() }).from(t).groupBy(t.status);
	return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
