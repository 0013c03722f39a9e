import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { mysqlInsert } from '../parking/lots.repo.ts';

export type TemplateRow = Executor['t']['smsTemplates']['$inferSelect'];
export type OptOutRow = Executor['t']['smsOptOuts']['$inferSelect'];

export async function findTemplate(x: Executor, kind: string): Promise<TemplateRow | undefined> {
	return (await x.q.select().from(x.t.smsTemplates).where(eq(x.t.smsTemplates.kind, kind)).limit(1))[0];
}

export async function listTemplateRows(x: Executor): Promise<TemplateRow[]> {
	return x.q.select().from(x.t.smsTemplates);
}

export async function putTemplate(x: Executor, row: TemplateRow): Promise<void> {
	const t = x.t.smsTemplates;
	const set = { body: row.body, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
	if (x.engine === 'sqlite') await x.q.insert(t).values(row).onConflictDoUpdate({ target: t.kind, set });
	else await mysqlInsert(x, t, row).onDuplicateKeyUpdate({ set });
}

export async function deleteTemplate(x: Executor, kind: string): Promise<void> {
	await x.q.delete(x.t.smsTemplates).where(eq(x.t.smsTemplates.kind, kind));
}

export async function isOptedOut(x: Executor, phone: string): Promise<boolean> {
	return (await x.q.select({ phone: x.t.smsOptOuts.phone }).from(x.t.smsOptOuts).where(eq(x.t.smsOptOuts.phone, phone)).limit(1)).length > 0;
}

export async function addOptOut(x: Executor, row: OptOutRow): Promise<void> {
	const t = x.t.smsOptOuts;
	if (x.engine === 'sqlite') await x.q.insert(t).values(row).onConflictDoNothing();
	else await mysqlInsert(x, t, row).onDuplicateKeyUpdate({ set: { phone: row.phone } });
}

export async function removeOptOut(x: Executor, phone: string): Promise<void> {
	await x.q.delete(x.t.smsOptOuts).where(eq(x.t.smsOptOuts.phone, phone));
}
