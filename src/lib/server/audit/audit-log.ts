/** Reading the audit log (append-only; written by `recordAudit` in each service's transaction). */
import type { Database } from '../db/database.ts';
import { listUsers } from './audit-users.repo.ts';
import { listAudit, type AuditFilter, type AuditRow } from './audit-log.repo.ts';

export type AuditEntryView = AuditRow & { actorEmail: string | null };

/** Entries matching `filter`, newest first, with the acting person's e-mail. */
export async function auditEntries(db: Database, filter: AuditFilter, limit = 100, offset = 0): Promise<AuditEntryView[]> {
	return db.run(async (x) => {
		const rows = await listAudit(x, filter, limit, offset);
		const emails = await listUsers(x, [...new Set(rows.map((r) => r.actorUserId).filter((v): v is string => v !== null))]);
		return rows.map((r) => ({ ...r, actorEmail: r.actorUserId ? (emails.get(r.actorUserId) ?? null) : null }));
	});
}
