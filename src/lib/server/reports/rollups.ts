/**
 * Keeping the report rollups up to date: the `report-rollups` job builds the rollups of lots that
 * have none (a new lot; every lot once after the migration that added them), rebuilds those whose
 * zone or rules version changed, and folds the other lots' deltas in. Until a lot is built its
 * reports read the raw rows, so they are never wrong, only slower.
 */
import type { Database } from '../db/database.ts';
import type { Job } from '../jobs/scheduler.ts';
import { log } from '../log.ts';
import { ROLLUP_VERSION } from './contributions.ts';
import { foldDeltas, rebuildLot, rollupStates } from './rollups.repo.ts';

/** Deltas folded per transaction. */
const FOLD_BATCH = 20_000;

export interface RollupRefresh {
	rebuilt: Array<{ lotId: string; sessions: number; payments: number; ms: number }>;
	folded: number;
}

/**
 * Builds or rebuilds the rollups of every lot that needs it, then folds all lots' deltas, each
 * lot in its own transactions.
 * @returns what it did, for logs and the bench
 */
export async function refreshReportRollups(db: Database, now: number, version = ROLLUP_VERSION): Promise<RollupRefresh> {
	const done: RollupRefresh = { rebuilt: [], folded: 0 };
	for (const lot of await db.run((x) => rollupStates(x))) {
		const current = lot.builtFor?.version === version && lot.builtFor.timeZone === lot.timeZone;
		if (!current) {
			const started = performance.now();
			const rebuilt = await db.transaction((x) => rebuildLot(x, lot.lotId, version, now));
			if (rebuilt) {
				done.rebuilt.push({ lotId: lot.lotId, ...rebuilt, ms: Math.round(performance.now() - started) });
				log('info', 'report rollups built', { lot_id: lot.lotId, time_zone: lot.timeZone, sessions: rebuilt.sessions, payments: rebuilt.payments });
			}
		}
		for (;;) {
			const n = await db.transaction((x) => foldDeltas(x, lot.lotId, version, FOLD_BATCH));
			done.folded += n;
			if (n < FOLD_BATCH) break;
		}
	}
	return done;
}

export const REPORT_JOBS: Job[] = [{ name: 'report-rollups', intervalMs: 60_000, leaseMs: 15 * 60_000, run: (db, now) => refreshReportRollups(db, now) }];
