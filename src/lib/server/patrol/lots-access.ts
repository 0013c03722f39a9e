/**
 * Which lots a staff account works in. Admins work everywhere; an operator or patrol account with
 * lots assigned (`user_lots`) works only in those, one without any in every lot (accounts made
 * before assignments existed keep working). Cameras, patrol snapshots and synced actions check
 * this; the older parking endpoints are role-checked only.
 */
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repo.ts';
import type { Role } from '../auth/roles.ts';
import type { Database, Executor } from '../db/database.ts';
import { AppError, notFound } from '../http/errors.ts';
import { findLot } from '../parking/lots.repo.ts';
import { findUserById } from '../auth/users.repo.ts';
import { hasUserLot, lotIdsOfUser, replaceUserLots } from './lots-access.repo.ts';

export interface LotCaller {
	id: string;
	role: Role;
}

/** Whether the caller may work in a lot (inside the caller's transaction). */
export async function mayUseLot(x: Executor, user: LotCaller, lotId: string): Promise<boolean> {
	if (user.role === 'admin') return true;
	if (user.role === 'driver') return false;
	if (await hasUserLot(x, user.id, lotId)) return true;
	return (await lotIdsOfUser(x, user.id)).length === 0;
}

/**
 * @throws {AppError} 403 `lot_forbidden` when the caller works in other lots only
 */
export async function requireLot(x: Executor, user: LotCaller, lotId: string): Promise<void> {
	if (!(await mayUseLot(x, user, lotId))) throw new AppError(403, 'lot_forbidden', 'Your account does not work in this lot.');
}

export const userLotsSchema = z.strictObject({ lotIds: z.array(z.string().min(1).max(64)).max(200) });

/**
 * Limits an account to lots (an empty list lifts the limit). Audited.
 * @throws {AppError} 404 user or lot
 */
export async function setUserLots(db: Database, userId: string, lotIds: readonly string[], actorUserId: string, now: number): Promise<string[]> {
	const unique = [...new Set(lotIds)].sort();
	await db.transaction(async (x) => {
		if (!(await findUserById(x, userId))) throw notFound('The user');
		for (const id of unique) if (!(await findLot(x, id))) throw notFound(`The lot ${id}`);
		await replaceUserLots(x, userId, unique, now);
		await recordAudit(x, { at: now, actorUserId, action: 'user.lots', entity: 'user', entityId: userId, details: { lotIds: unique } });
	});
	return unique;
}
