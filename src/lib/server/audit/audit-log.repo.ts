import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type AuditRow = Executor['t']['auditLog']['$inferSelect'];

export interface AuditFilter {
	entity?: string;
	entityId?: string;
	action?: string;
	actorUserId?: string;
	from?: number;
	until?: number;
}

/** Audit entries, newest first (`audit_log_at_idx`, or `audit_log_entity_idx` for one entity). */
export async function listAudit(x: Executor, filter: AuditFilter, limit: number, offset: number): Promise<AuditRow[]> {
	const t = x.t.auditLog;
	const where: SQL[] = [];
	if (filter.entity) where.push(eq(t.entity, filter.entity));
	if (filter.entityId) where.push(eq(t.entityId, filter.entityId));
	if (filter.action) where.push(eq(t.action, filter.action));
	if (filter.actorUserId) where.push(eq(t.actorUserId, filter.actorUserId));
	if (filter.from !== undefined) where.push(gte(t.at, filter.from));
	if (filter.until !== undefined) where.push(lt(t.at, filter.until));
	return x.q.select().from(t).where(where.length ? and(...where) : undefined).orderBy(desc(t.at), desc(t.id)).limit(limit).offset(offset);
}
