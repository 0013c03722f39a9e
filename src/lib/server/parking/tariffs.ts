/**
 * Tariff plans per lot and vehicle class. A class with no plan of its own pays the default plan
 * built from BASE_RATE_PER_HOUR and GRACE_PERIOD_MINUTES, in the lot's currency.
 */
import { defaultPlan, tariffPlanSchema, vehicleClassSchema, type TariffPlan, type VehicleClass } from '../../parking/index.ts';
import { newId } from '../../id.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import type { Config } from '../config.ts';
import type { Database, Executor } from '../db/database.ts';
import { parseWith } from '../http/api.ts';
import { AppError, notFound } from '../http/errors.ts';
import { findLot, listTariffPlans, putTariffPlan, type LotRow } from './lots.repo.ts';

export type TariffDefaults = Pick<Config, 'baseRatePerHourPaise' | 'gracePeriodMinutes'>;

function fallbackPlan(lot: LotRow, defaults: TariffDefaults): TariffPlan {
	return defaultPlan({ baseRatePerHourPaise: defaults.baseRatePerHourPaise, graceMinutes: defaults.gracePeriodMinutes, currency: lot.currency });
}

/** The plan a lot charges a vehicle class (its own, or the default), read inside a transaction. */
export async function planFor(x: Executor, lot: LotRow, vehicleClass: string, defaults: TariffDefaults): Promise<{ plan: TariffPlan; isDefault: boolean }> {
	const rows = await listTariffPlans(x, lot.id);
	return planOf(lot, rows.find((r) => r.vehicleClass === vehicleClass)?.plan ?? null, defaults);
}

/** The plan a lot charges given its stored plan for a class (null: none, the default applies). */
export function planOf(lot: LotRow, stored: Record<string, unknown> | null, defaults: TariffDefaults): { plan: TariffPlan; isDefault: boolean } {
	if (!stored) return { plan: fallbackPlan(lot, defaults), isDefault: true };
	// Stored plans were validated when saved; parse again to get the branded, defaulted type.
	return { plan: tariffPlanSchema.parse(stored), isDefault: false };
}

/** Every class the lot has spaces for, with the plan it pays. */
export async function lotPlans(db: Database, lotId: string, defaults: TariffDefaults): Promise<Array<{ vehicleClass: string; plan: TariffPlan; isDefault: boolean }>> {
	return db.run(async (x) => {
		const lot = await findLot(x, lotId);
		if (!lot) throw notFound('The lot');
		const classes = new Set([...Object.keys(lot.capacity), ...(await listTariffPlans(x, lotId)).map((r) => r.vehicleClass)]);
		const out = [];
		for (const vehicleClass of [...classes].sort()) out.push({ vehicleClass, ...(await planFor(x, lot, vehicleClass, defaults)) });
		return out;
	});
}

/**
 * Validates and stores a plan for a lot and class, replacing the previous one (sessions keep a
 * snapshot of the plan they were charged by, so history doesn't change).
 * @throws {AppError} 404, 422 with the plan's contradictions per field
 */
export async function setPlan(db: Database, lotId: string, vehicleClass: VehicleClass, input: unknown, actorUserId: string, now: number): Promise<TariffPlan> {
	parseWith(vehicleClassSchema, vehicleClass);
	const plan = parseWith(tariffPlanSchema, input);
	await db.transaction(async (x) => {
		const lot = await findLot(x, lotId);
		if (!lot) throw notFound('The lot');
		if (plan.currency !== lot.currency) {
			throw new AppError(422, 'validation_failed', 'The plan is in another currency than the lot.', {
				currency: `the lot charges in ${lot.currency}, the plan is in ${plan.currency}`
			});
		}
		await putTariffPlan(x, { id: newId(), lotId, vehicleClass, plan: plan as unknown as Record<string, unknown>, createdAt: now, createdBy: actorUserId });
		await recordAudit(x, { at: now, actorUserId, action: 'tariff.set', entity: 'lot', entityId: lotId, details: { vehicleClass, plan } });
	});
	return plan;
}
