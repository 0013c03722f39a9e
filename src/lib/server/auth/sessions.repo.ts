import { and, eq, lt, ne } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type AuthSessionRow = Executor['t']['authSessions']['$inferSelect'];

export async function insertSession(x: Executor, row: AuthSessionRow): Promise<void> {
	await x.q.insert(x.t.authSessions).values(row);
}

/**
 * The session with its user, or undefined: only what a request needs (every request asks, so
 * not the password hash nor the rest of the user).
 */
export async function findSessionWithUser(x: Executor, id: string) {
	const s = x.t.authSessions;
	const u = x.t.users;
	const rows = await x.q
		.select({ session: { kind: s.kind, expiresAt: s.expiresAt }, user: { id: u.id, email: u.email, role: u.role } })
		.from(x.t.authSessions)
		.innerJoin(x.t.users, eq(x.t.authSessions.userId, x.t.users.id))
		.where(eq(x.t.authSessions.id, id))
		.limit(1);
	return rows[0];
}

export async function extendSession(x: Executor, id: string, expiresAt: number): Promise<void> {
	await x.q.update(x.t.authSessions).set({ expiresAt }).where(eq(x.t.authSessions.id, id));
}

export async function deleteSession(x: Executor, id: string): Promise<void> {
	await x.q.delete(x.t.authSessions).where(eq(x.t.authSessions.id, id));
}

/** Deletes every session of a user, but `keepId` when given. */
export async function deleteUserSessions(x: Executor, userId: string, keepId?: string): Promise<void> {
	const where = keepId
		? and(eq(x.t.authSessions.userId, userId), ne(x.t.authSessions.id, keepId))
		: eq(x.t.authSessions.userId, userId);
	await x.q.delete(x.t.authSessions).where(where);
}

export async function deleteExpiredSessions(x: Executor, now: number): Promise<void> {
	await x.q.delete(x.t.authSessions).where(lt(x.t.authSessions.expiresAt, now));
}
