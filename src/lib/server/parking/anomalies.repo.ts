import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { mysqlInsert } from './lots.repo.ts';

export type AnomalyRow = Executor['t']['anomalies']['$inferSelect'];

/**
 * Records an anomaly once per de-duplication key: a repeat of the same fact only counts another
 * occurrence and moves `last_seen_at`. One statement, so concurrent repeats can't double it.
 */
export async function upsertAnomaly(x: Executor, row: AnomalyRow): Promise<void> {
	const t = x.t.anomalies;
	const set = { occurrences: sql`${t.occurrences} + 1`, lastSeenAt: row.lastSeenAt };
	if (x.engine === 'sqlite') await x.q.insert(t).values(row).onConflictDoUpdate({ target: t.dedupKey, set });
	else await mysqlInsert(x, t, row).onDuplicateKeyUpdate({ set: { occurrences: sql`occurrences + 1`, lastSeenAt: row.lastSeenAt } });
}

export async function findAnomalyByKey(x: Executor, dedupKey: string): Promise<AnomalyRow | undefined> {
	return (await x.q.select().from(x.t.anomalies).where(eq(x.t.anomalies.dedupKey, dedupKey)).limit(1))[0];
}

export async function findAnomaly(x: Executor, id: string): Promise<AnomalyRow | undefined> {
	return (await x.q.select().from(x.t.anomalies).where(eq(x.t.anomalies.id, id)).limit(1))[0];
}

export interface AnomalyFilter {
	lotId?: string;
	kind?: string;
	status?: AnomalyRow['status'];
	plate?: string;
}

export async function listAnomalies(x: Executor, filter: AnomalyFilter, limit: number, offset: number): Promise<{ rows: AnomalyRow[]; total: number }> {
	const t = x.t.anomalies;
	const where: SQL[] = [];
	if (filter.lotId) where.push(eq(t.lotId, filter.lotId));
	if (filter.kind) where.push(eq(t.kind, filter.kind));
	if (filter.status) where.push(eq(t.status, filter.status));
	if (filter.plate) where.push(eq(t.plate, filter.plate));
	const cond = where.length ? and(...where) : undefined;
	const rows = await x.q.select().from(t).where(cond).orderBy(desc(t.detectedAt), desc(t.id)).limit(limit).offset(offset);
	const total = Number((await x.q.select({ n: count() }).from(t).where(cond))[0]?.n ?? 0);
	return { rows, total };
}

export async function updateAnomaly(x: Executor, id: string, patch: Partial<Pick<AnomalyRow, 'status' | 'note' | 'reviewedBy' | 'reviewedAt'>>): Promise<void> {
	await x.q.update(x.t.anomalies).set(patch).where(eq(x.t.anomalies.id, id));
}
