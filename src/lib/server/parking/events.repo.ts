import { asc, desc, gt, lt } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type EventRow = Executor['t']['events']['$inferSelect'];

/** Appends an event; call it inside the transaction that made the change it reports. */
export async function appendEvent(x: Executor, event: Omit<EventRow, 'seq'>): Promise<void> {
	await x.q.insert(x.t.events).values(event);
}

export async function eventsAfter(x: Executor, seq: number, limit: number): Promise<EventRow[]> {
	return x.q.select().from(x.t.events).where(gt(x.t.events.seq, seq)).orderBy(asc(x.t.events.seq)).limit(limit);
}

export async function lastEventSeq(x: Executor): Promise<number> {
	const last = await x.q.select({ seq: x.t.events.seq }).from(x.t.events).orderBy(desc(x.t.events.seq)).limit(1);
	return last[0]?.seq ?? 0;
}

export async function deleteEventsBefore(x: Executor, at: number): Promise<void> {
	await x.q.delete(x.t.events).where(lt(x.t.events.at, at));
}
