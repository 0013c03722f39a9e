import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

/** id → e-mail of the given users. */
export async function listUsers(x: Executor, ids: string[]): Promise<Map<string, string>> {
	if (ids.length === 0) return new Map();
	const t = x.t.users;
	const rows = await x.q.select({ id: t.id, email: t.email }).from(t).where(inArray(t.id, ids));
	return new Map(rows.map((r) => [r.id, r.email]));
}
