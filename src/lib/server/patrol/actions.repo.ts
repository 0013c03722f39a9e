import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type PatrolActionRow = Executor['t']['patrolActions']['$inferSelect'];

export async function insertPatrolAction(x: Executor, row: PatrolActionRow): Promise<void> {
	await x.q.insert(x.t.patrolActions).values(row);
}

export async function findPatrolAction(x: Executor, id: string): Promise<PatrolActionRow | undefined> {
	return (await x.q.select().from(x.t.patrolActions).where(eq(x.t.patrolActions.id, id)).limit(1))[0];
}

export async function updatePatrolAction(x: Executor, id: string, patch: Partial<Omit<PatrolActionRow, 'id'>>): Promise<void> {
	await x.q.update(x.t.patrolActions).set(patch).where(eq(x.t.patrolActions.id, id));
}

export interface PatrolActionFilter {
	lotId: string;
	kind?: PatrolActionRow['kind'];
	userId?: string;
}

function where(x: Executor, f: PatrolActionFilter): SQL | undefined {
	const t = x.t.patrolActions;
	return and(eq(t.lotId, f.lotId), f.kind ? eq(t.kind, f.kind) : undefined, f.userId ? eq(t.userId, f.userId) : undefined);
}

export async function listPatrolActions(x: Executor, f: PatrolActionFilter, limit: number, offset: number): Promise<{ rows: PatrolActionRow[]; total: number }> {
	const t = x.t.patrolActions;
	const rows = await x.q.select().from(t).where(where(x, f)).orderBy(asc(t.at), asc(t.id)).limit(limit).offset(offset);
	const [{ n }] = (await x.q.select({ n: count() }).from(t).where(where(x, f))) as [{ n: number }];
	return { rows, total: Number(n) };
}
