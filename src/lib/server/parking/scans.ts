/**
 * The periodic checks of parked vehicles: long stays and permits that lapsed while parked. Both
 * raise de-duplicated anomalies, so running a scan again never repeats an alert.
 */
import { isLongStay, permitExpiredWhileParked } from '../../parking/index.ts';
import type { Database, Executor } from '../db/database.ts';
import type { Job } from '../jobs/scheduler.ts';
import { alertLongStay } from '../sms/alerts.ts';
import { raiseAnomaly } from './anomalies.ts';
import { deleteEventsBefore } from './events.repo.ts';
import { listLots } from './lots.repo.ts';
import { permitsEndedBy } from './permits.repo.ts';
import { listActiveSessions, listActiveSessionsEnteredBy } from './sessions.repo.ts';

/** Which lots a scan looks at: all of them (the periodic job), or one. */
export interface ScanScope {
	lotId?: string;
}

const lotsIn = async (x: Executor, scope: ScanScope) => (await listLots(x)).filter((lot) => scope.lotId === undefined || lot.id === scope.lotId);

/**
 * Raises a long-stay anomaly for every active session past its lot's threshold.
 * @param scope one lot only (e.g. a simulation replaying its own past), default all
 * @returns how many were found
 */
export async function scanLongStays(db: Database, now: number, scope: ScanScope = {}): Promise<number> {
	return db.transaction(async (x) => {
		let found = 0;
		for (const lot of await lotsIn(x, scope)) {
			for (const s of await listActiveSessionsEnteredBy(x, lot.id, now - lot.longStayMinutes * 60_000)) {
				if (!isLongStay(s.entryAt, now, lot.longStayMinutes)) continue;
				found++;
				await raiseAnomaly(x, {
					key: { kind: 'long-stay', lotId: lot.id, sessionId: s.id },
					lotId: lot.id,
					plate: s.plate,
					sessionId: s.id,
					evidence: { entryAt: s.entryAt, thresholdMinutes: lot.longStayMinutes, parkedMinutes: Math.floor((now - s.entryAt) / 60_000) },
					at: now
				});
				await alertLongStay(x, lot, s, now); // once per session (its de-duplication key)
			}
		}
		return found;
	});
}

/**
 * Raises an anomaly for every parked vehicle whose permit covered its entry and has since lapsed.
 * @param scope one lot only, default all
 */
export async function scanPermitExpiries(db: Database, now: number, scope: ScanScope = {}): Promise<number> {
	return db.transaction(async (x) => {
		let found = 0;
		for (const lot of await lotsIn(x, scope)) {
			const withPermit = (await listActiveSessions(x, lot.id)).filter((s) => s.permitId !== null);
			const ended = new Map((await permitsEndedBy(x, withPermit.map((s) => s.permitId!), now)).map((p) => [p.id, p]));
			for (const s of withPermit) {
				const permit = ended.get(s.permitId!);
				if (!permit || !permitExpiredWhileParked({ validFromMs: permit.validFrom, validUntilMs: permit.validUntil }, s.entryAt, now)) continue;
				found++;
				await raiseAnomaly(x, {
					key: { kind: 'permit-expired-while-parked', lotId: lot.id, sessionId: s.id },
					lotId: lot.id,
					plate: s.plate,
					sessionId: s.id,
					evidence: { permitId: permit.id, permitKind: permit.kind, validUntil: permit.validUntil, entryAt: s.entryAt },
					at: now
				});
			}
		}
		return found;
	});
}

const MINUTE = 60_000;

/** The parking jobs the scheduler runs. */
export const PARKING_JOBS: readonly Job[] = [
	{ name: 'scan-long-stays', intervalMs: 5 * MINUTE, leaseMs: 2 * MINUTE, run: (db, now) => scanLongStays(db, now) },
	{ name: 'scan-permit-expiries', intervalMs: 5 * MINUTE, leaseMs: 2 * MINUTE, run: (db, now) => scanPermitExpiries(db, now) },
	{ name: 'prune-events', intervalMs: 60 * MINUTE, leaseMs: 5 * MINUTE, run: (db, now) => db.run((x) => deleteEventsBefore(x, now - 24 * 60 * MINUTE)) }
];
