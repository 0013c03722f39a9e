import { and, asc, count, eq, ne } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import type { Role } from './roles.ts';

export type UserRow = Executor['t']['users']['$inferSelect'];
export type NewUserRow = Executor['t']['users']['$inferInsert'];

export async function insertUser(x: Executor, row: NewUserRow): Promise<void> {
	await x.q.insert(x.t.users).values(row);
}

export async function findUserByEmail(x: Executor, email: string): Promise<UserRow | undefined> {
	const rows = await x.q.select().from(x.t.users).where(eq(x.t.users.email, email)).limit(1);
	return rows[0];
}

export async function findUserById(x: Executor, id: string): Promise<UserRow | undefined> {
	const rows = await x.q.select().from(x.t.users).where(eq(x.t.users.id, id)).limit(1);
	return rows[0];
}

export async function listUsers(x: Executor): Promise<UserRow[]> {
	return x.q.select().from(x.t.users).orderBy(asc(x.t.users.email));
}

export async function countAdmins(x: Executor, exceptUserId?: string): Promise<number> {
	const where = exceptUserId
		? and(eq(x.t.users.role, 'admin'), ne(x.t.users.id, exceptUserId))
		: eq(x.t.users.role, 'admin');
	const rows = await x.q.select({ n: count() }).from(x.t.users).where(where);
	return Number(rows[0]?.n ?? 0);
}

export async function updatePassword(x: Executor, id: string, passwordHash: string, at: number): Promise<void> {
	await x.q.update(x.t.users).set({ passwordHash, passwordChangedAt: at }).where(eq(x.t.users.id, id));
}

export async function updateRole(x: Executor, id: string, role: Role): Promise<void> {
	await x.q.update(x.t.users).set({ role }).where(eq(x.t.users.id, id));
}
