/**
 * What a patrol phone keeps to answer offline: the lot (time zone, currency, long-stay limit),
 * the plans it charges, its active sessions, the permits good in it and the live hotlist. The app
 * refreshes it while online and decides from it with `src/lib/client/assess.ts`.
 */
import { z } from 'zod';
import type { TariffPlan } from '../../parking/index.ts';
import type { PatrolSnapshot } from '../../parking/patrol-snapshot.ts';
import type { Database } from '../db/database.ts';
import { notFound } from '../http/errors.ts';
import { findLot, listLots, listTariffPlans } from '../parking/lots.repo.ts';
import { listActiveSessions } from '../parking/sessions.repo.ts';
import { planOf, type TariffDefaults } from '../parking/tariffs.ts';
import { livePermits, liveHotlist } from './snapshot.repo.ts';
import { mayUseLot, requireLot, type LotCaller } from './lots-access.ts';

/** Permits that ended this long ago are kept, so the app can say "expired" rather than "none". */
const RECENT_PERMIT_MS = 30 * 24 * 3600_000;

export const snapshotQuery = z.object({ lotId: z.string().min(1).max(64) });


/** @throws {AppError} 404 lot, 403 `lot_forbidden` */
export async function patrolSnapshot(db: Database, defaults: TariffDefaults, user: LotCaller, lotId: string, now: number): Promise<PatrolSnapshot> {
	return db.run(async (x) => {
		const lot = await findLot(x, lotId);
		if (!lot) throw notFound('The lot');
		await requireLot(x, user, lotId);
		const stored = await listTariffPlans(x, lotId);
		const plans: Record<string, TariffPlan> = {};
		for (const r of stored) plans[r.vehicleClass] = planOf(lot, r.plan, defaults).plan;
		const sessions = await listActiveSessions(x, lotId);
		return {
			at: now,
			lot: { id: lot.id, name: lot.name, country: lot.country, timeZone: lot.timeZone, currency: lot.currency, longStayMinutes: lot.longStayMinutes },
			plans,
			defaultPlan: planOf(lot, null, defaults).plan,
			sessions: sessions.map((s) => ({ id: s.id, plate: s.plate, vehicleClass: s.vehicleClass, entryAt: s.entryAt, permitId: s.permitId, paidPaise: s.paidPaise })),
			permits: (await livePermits(x, now - RECENT_PERMIT_MS)).filter((p) => p.lotIds.includes(lotId)).map((p) => ({ id: p.id, plate: p.plate, kind: p.kind, validFrom: p.validFrom, validUntil: p.validUntil })),
			hotlist: (await liveHotlist(x, now)).map((h) => ({ plate: h.plate, reason: h.reason, priority: h.priority, expiresAt: h.expiresAt }))
		};
	});
}

/** The lots the caller works in, for the app's lot picker. */
export async function lotsForCaller(db: Database, user: LotCaller): Promise<Array<{ id: string; name: string; country: string }>> {
	return db.run(async (x) => {
		const out = [];
		for (const lot of await listLots(x)) if (await mayUseLot(x, user, lot.id)) out.push({ id: lot.id, name: lot.name, country: lot.country });
		return out;
	});
}
