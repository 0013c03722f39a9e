/** Reading the synced patrol actions back (staff lists, and the tests' "exactly once" counts). */
import type { Database } from '../db/database.ts';
import { listPatrolActions, type PatrolActionFilter, type PatrolActionRow } from './actions.repo.ts';
import { requireLot, type LotCaller } from './lots-access.ts';

export type PatrolActionView = Omit<PatrolActionRow, 'userId'> & { userId: string };

/** @throws {AppError} 403 `lot_forbidden` */
export async function patrolActions(db: Database, user: LotCaller, filter: PatrolActionFilter, limit: number, offset: number): Promise<{ rows: PatrolActionRow[]; total: number }> {
	return db.run(async (x) => {
		await requireLot(x, user, filter.lotId);
		return listPatrolActions(x, filter, limit, offset);
	});
}
