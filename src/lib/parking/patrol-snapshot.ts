/**
 * What a patrol phone keeps of one lot for offline answers: `GET /api/v1/patrol/snapshot` sends it
 * (`$lib/server/patrol/snapshot`), the app stores it and answers from it (`$lib/client/assess`).
 */
import type { TariffPlan } from './tariff-plan.ts';

export interface PatrolSnapshot {
	/** server time it was taken (epoch ms) */
	at: number;
	lot: { id: string; name: string; country: string; timeZone: string; currency: string; longStayMinutes: number };
	/** vehicle class → plan; `defaultPlan` for a class without one */
	plans: Record<string, TariffPlan>;
	defaultPlan: TariffPlan;
	sessions: Array<{ id: string; plate: string; vehicleClass: string; entryAt: number; permitId: string | null; paidPaise: number }>;
	permits: Array<{ id: string; plate: string; kind: string; validFrom: number; validUntil: number }>;
	hotlist: Array<{ plate: string; reason: string; priority: string; expiresAt: number | null }>;
}
