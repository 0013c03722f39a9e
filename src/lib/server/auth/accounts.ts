/**
 * Accounts: registration, sign-in, password change, roles. Public sign-up only ever makes
 * drivers; an admin comes from the one-time setup link or the `admin:create` command.
 */
import { newId } from '../../id.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { isUniqueViolation, type Database } from '../db/database.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { hashPassword, verifyNothing, verifyPassword } from './password.ts';
import type { Role } from './roles.ts';
import { createSession, type SessionUser } from './sessions.ts';
import { deleteUserSessions } from './sessions.repo.ts';
import { assertLoginAllowed, recordLoginFailure, recordLoginSuccess } from './throttle.ts';
import { countAdmins, findUserByEmail, findUserById, insertUser, listUsers, updatePassword, updateRole } from './users.repo.ts';


/**
 * Creates an account. `email` must already be normalised (see `emailSchema`).
 * @throws {AppError} 409 `email_taken` when the address is registered.
 */
export async function registerUser(
	db: Database,
	input: { email: string; password: string; role?: Role; phone?: string | null },
	now: number,
	actorUserId: string | null = null
): Promise<SessionUser> {
	const user: SessionUser = { id: newId(), email: input.email, role: input.role ?? 'driver' };
	const passwordHash = await hashPassword(input.password);
	try {
		await db.transaction(async (x) => {
			await insertUser(x, {
				id: user.id,
				email: user.email,
				passwordHash,
				role: user.role,
				phone: input.phone ?? null,
				createdAt: now,
				passwordChangedAt: now
			});
			await recordAudit(x, { at: now, actorUserId, action: 'user.create', entity: 'user', entityId: user.id, details: { role: user.role } });
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw conflict('email_taken', 'An account with this e-mail address exists already.');
		throw error;
	}
	return user;
}

/**
 * Checks credentials (throttled per account and address) and starts a session.
 * @throws {AppError} 401 `invalid_credentials`, 429 `too_many_requests`
 */
export async function login(
	db: Database,
	input: { email: string; password: string; ip: string; kind: 'cookie' | 'bearer' },
	now: number,
	sessionDays: number
): Promise<{ user: SessionUser; token: string; expiresAt: number }> {
	await assertLoginAllowed(db, input.email, input.ip, now);
	const row = await db.run((x) => findUserByEmail(x, input.email));
	const ok = row ? await verifyPassword(row.passwordHash, input.password) : await verifyNothing(input.password);
	if (!row || !ok) {
		await recordLoginFailure(db, input.email, input.ip, now);
		throw new AppError(401, 'invalid_credentials', 'E-mail address or password is wrong.');
	}
	await recordLoginSuccess(db, input.email);
	const session = await createSession(db, row.id, input.kind, now, sessionDays);
	return { user: { id: row.id, email: row.email, role: row.role }, ...session };
}

/**
 * Changes a password after checking the current one, and revokes every other session of the user.
 * @throws {AppError} 400 `wrong_password`
 */
export async function changePassword(
	db: Database,
	input: { userId: string; currentSessionId: string; currentPassword: string; newPassword: string },
	now: number
): Promise<void> {
	const row = await db.run((x) => findUserById(x, input.userId));
	if (!row) throw notFound('The account');
	if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
		throw new AppError(400, 'wrong_password', 'The current password is wrong.', { currentPassword: 'The current password is wrong.' });
	}
	const passwordHash = await hashPassword(input.newPassword);
	await db.transaction(async (x) => {
		await updatePassword(x, input.userId, passwordHash, now);
		await deleteUserSessions(x, input.userId, input.currentSessionId);
		await recordAudit(x, { at: now, actorUserId: input.userId, action: 'user.password_change', entity: 'user', entityId: input.userId });
	});
}

/**
 * Gives a user another role; an admin can't demote the last admin.
 * @throws {AppError} 404, 409 `last_admin`
 */
export async function setUserRole(db: Database, userId: string, role: Role, actorUserId: string, now: number): Promise<void> {
	await db.transaction(async (x) => {
		const row = await findUserById(x, userId);
		if (!row) throw notFound('The user');
		if (row.role === 'admin' && role !== 'admin' && (await countAdmins(x, userId)) === 0) {
			throw conflict('last_admin', 'The last admin cannot lose the admin role.');
		}
		await updateRole(x, userId, role);
		// A role change takes effect at once: the user signs in again with the new role.
		await deleteUserSessions(x, userId);
		await recordAudit(x, { at: now, actorUserId, action: 'user.role_change', entity: 'user', entityId: userId, details: { from: row.role, to: role } });
	});
}

export async function hasAdmin(db: Database): Promise<boolean> {
	return (await db.run((x) => countAdmins(x))) > 0;
}

export async function allUsers(db: Database): Promise<SessionUser[]> {
	const rows = await db.run((x) => listUsers(x));
	return rows.map((r) => ({ id: r.id, email: r.email, role: r.role }));
}
