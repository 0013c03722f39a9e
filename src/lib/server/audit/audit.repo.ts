import { newId } from '../../id.ts';
import type { Executor } from '../db/database.ts';

export interface AuditEntry {
	at: number;
	actorUserId?: string | null;
	actorDeviceId?: string | null;
	action: string;
	entity: string;
	entityId?: string | null;
	details?: Record<string, unknown>;
}

/** Appends to the audit log (append-only: there is no update or delete here, by design). */
export async function recordAudit(x: Executor, entry: AuditEntry): Promise<void> {
	await x.q.insert(x.t.auditLog).values({
		id: newId(),
		at: entry.at,
		actorUserId: entry.actorUserId ?? null,
		actorDeviceId: entry.actorDeviceId ?? null,
		action: entry.action,
		entity: entry.entity,
		entityId: entry.entityId ?? null,
		details: entry.details ?? null
	});
}
