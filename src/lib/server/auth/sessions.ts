/**
 * Sessions the way the Lucia guide teaches: a random token goes to the client (cookie or bearer),
 * the database keeps only its SHA-256; expiry slides forward when a session is used in its
 * second half; changing a password revokes every other session.
 */
import type { Database } from '../db/database.ts';
import { deleteSession, extendSession, findSessionWithUser, insertSession } from './sessions.repo.ts';
import type { Role } from './roles.ts';
import { generateToken, hashToken } from './tokens.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface SessionUser {
	id: string;
	email: string;
	role: Role;
}

export interface ValidSession {
	id: string;
	kind: 'cookie' | 'bearer';
	expiresAt: number;
	user: SessionUser;
}

/**
 * Starts a session for a user.
 * @returns the token to hand to the client (never stored) and the expiry.
 */
export async function createSession(
	db: Database,
	userId: string,
	kind: 'cookie' | 'bearer',
	now: number,
	days: number
): Promise<{ token: string; expiresAt: number }> {
	const token = generateToken();
	const expiresAt = now + days * DAY_MS;
	await db.run((x) => insertSession(x, { id: hashToken(token), userId, kind, createdAt: now, expiresAt }));
	return { token, expiresAt };
}

/**
 * The session a token belongs to, or null when it is unknown or expired (an expired one is
 * deleted). A session used in the second half of its life is extended to a full `days` again.
 */
export async function validateSessionToken(
	db: Database,
	token: string,
	now: number,
	days: number
): Promise<ValidSession | null> {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	const id = hashToken(token);
	return db.run(async (x) => {
		const row = await findSessionWithUser(x, id);
		if (!row) return null;
		if (now >= row.session.expiresAt) {
			await deleteSession(x, id);
			return null;
		}
		let expiresAt = row.session.expiresAt;
		const lifetime = days * DAY_MS;
		if (expiresAt - now < lifetime / 2) {
			expiresAt = now + lifetime;
			await extendSession(x, id, expiresAt);
		}
		return {
			id,
			kind: row.session.kind,
			expiresAt,
			user: { id: row.user.id, email: row.user.email, role: row.user.role }
		};
	});
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
	await db.run((x) => deleteSession(x, sessionId));
}
