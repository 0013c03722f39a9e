/**
 * Tariff plans: what a lot charges one vehicle class, as data an admin edits and
 * `fee` in `tariff.ts` evaluates. The zod schemas here are the single source for
 * validation and, through `z.toJSONSchema`, for the API contract.
 *
 * Amounts are integer minor units of the plan's currency, named `…Paise` after the first
 * market (they are cents in a USD lot). Durations are whole minutes.
 */
import { z } from 'zod';
import { CAP_WINDOW_MINUTES, MAX_AMOUNT_PAISE } from './tariff-limits.ts';
import { isValidTimeZone } from './time-zone.ts';

export { CAP_WINDOW_MINUTES, MAX_AMOUNT_PAISE };

/** The vehicle classes a lot can price differently. */
export const VEHICLE_CLASSES = ['two-wheeler', 'three-wheeler', 'car', 'light-commercial', 'heavy-commercial'] as const;
export type VehicleClass = (typeof VEHICLE_CLASSES)[number];
export const vehicleClassSchema = z.enum(VEHICLE_CLASSES);

/** An IANA time zone name the runtime knows, e.g. `Asia/Kolkata`. */
export const timeZoneSchema = z.string().refine(isValidTimeZone, 'an IANA time zone such as Asia/Kolkata');
/** An ISO 4217 currency code, e.g. `INR`. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as INR');

const amountPaise = z
	.int({ error: 'a whole number of paise (minor units); fractions of a paisa cannot be charged' })
	.min(0, 'an amount cannot be negative')
	.max(MAX_AMOUNT_PAISE, `at most ${MAX_AMOUNT_PAISE} paise`);
const positiveMinutes = z.int({ error: 'a whole number of minutes' }).min(1).max(366 * CAP_WINDOW_MINUTES);
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM from 00:00 to 23:59');

/** One fixed amount per visit, or per started period when `periodMinutes` is given. */
export const flatChargeSchema = z.strictObject({
	kind: z.literal('flat'),
	amountPaise,
	periodMinutes: positiveMinutes.optional()
});

/**
 * A rate per hour, charged per started rounding unit: with a 15-minute unit, 50 minutes cost
 * four quarters of the hourly rate.
 */
export const hourlyChargeSchema = z.strictObject({
	kind: z.literal('hourly'),
	ratePerHourPaise: amountPaise,
	roundingMinutes: positiveMinutes.max(CAP_WINDOW_MINUTES).default(60)
});

/**
 * Slabs: `amountPaise` is the whole price of a stay up to `upToMinutes` (₹20 up to 30 min, ₹55 up
 * to 2 h); past the last slab, `thereafter.amountPaise` is added per started `everyMinutes`.
 */
export const slabsChargeSchema = z.strictObject({
	kind: z.literal('slabs'),
	slabs: z.array(z.strictObject({ upToMinutes: positiveMinutes, amountPaise })).min(1, 'at least one slab'),
	thereafter: z.strictObject({ everyMinutes: positiveMinutes, amountPaise })
});

/**
 * A flat amount added once for every night window the stay overlaps, in the lot's local time.
 * `from` after `until` (23:00–05:00) means the window runs past midnight.
 */
export const nightChargeSchema = z.strictObject({ from: timeOfDay, until: timeOfDay, amountPaise });

/** The time-based part of a plan. */
export const chargeSchema = z.discriminatedUnion('kind', [flatChargeSchema, hourlyChargeSchema, slabsChargeSchema]);

const planFieldsSchema = z.strictObject({
	name: z.string().trim().min(1).max(100).optional(),
	currency: currencySchema.default('INR').describe('ISO 4217 code; every amount is in its minor unit'),
	graceMinutes: z
		.int({ error: 'a whole number of minutes' })
		.min(0, 'grace cannot be negative')
		.max(CAP_WINDOW_MINUTES, 'grace cannot be longer than the 24 h cap window')
		.default(0)
		.describe('stays no longer than this are free; longer stays pay from the first minute'),
	charge: chargeSchema,
	capPer24hPaise: amountPaise
		.optional()
		.describe('most the time-based charge can reach in each rolling 24 h window counted from entry'),
	nightCharge: nightChargeSchema.optional()
});

/**
 * A tariff plan. Objects are strict so a misspelt field (`capPer24Paise`) is an error rather
 * than a silently missing cap. Plans that contradict themselves are refused with the reason:
 * slabs not rising in duration and price, a cap below the first charge, a rate that is a
 * fraction of a paisa per rounding unit, grace swallowing the first slab, an empty night window.
 */
export const tariffPlanSchema = planFieldsSchema
	.superRefine((plan, ctx) => {
		for (const { path, message } of contradictions(plan)) ctx.addIssue({ code: 'custom', path, message });
	})
	.brand<'TariffPlan'>();

/** A plan that passed {@link tariffPlanSchema}; only such plans can be priced. */
export type TariffPlan = z.output<typeof tariffPlanSchema>;
/** What an admin submits; defaults not yet applied. */
export type TariffPlanInput = z.input<typeof tariffPlanSchema>;
export type Charge = z.output<typeof chargeSchema>;

function contradictions(plan: z.output<typeof planFieldsSchema>): { path: (string | number)[]; message: string }[] {
	const found: { path: (string | number)[]; message: string }[] = [];
	const { charge } = plan;
	if (charge.kind === 'hourly' && (charge.ratePerHourPaise * charge.roundingMinutes) % 60 !== 0) {
		found.push({
			path: ['charge', 'roundingMinutes'],
			message:
				`${charge.ratePerHourPaise} paise per hour over ${charge.roundingMinutes} min ` +
				'is a fraction of a paisa per unit'
		});
	}
	if (charge.kind === 'slabs') {
		charge.slabs.forEach((slab, i) => {
			const previous = charge.slabs[i - 1];
			if (previous === undefined) return;
			if (slab.upToMinutes <= previous.upToMinutes) {
				const message = `slab ${i + 1} must last longer than slab ${i}`;
				found.push({ path: ['charge', 'slabs', i, 'upToMinutes'], message });
			}
			if (slab.amountPaise <= previous.amountPaise) {
				const message = `slab ${i + 1} must cost more than slab ${i}`;
				found.push({ path: ['charge', 'slabs', i, 'amountPaise'], message });
			}
		});
		const first = charge.slabs[0];
		if (first !== undefined && plan.graceMinutes >= first.upToMinutes) {
			const message = 'grace covers the whole first slab, so that slab can never be charged';
			found.push({ path: ['graceMinutes'], message });
		}
	}
	const first = firstChargePaise(charge);
	if (plan.capPer24hPaise !== undefined && plan.capPer24hPaise < first) {
		found.push({
			path: ['capPer24hPaise'],
			message: `the cap (${plan.capPer24hPaise} paise) is lower than the first charge (${first} paise)`
		});
	}
	if (plan.nightCharge !== undefined && plan.nightCharge.from === plan.nightCharge.until) {
		found.push({ path: ['nightCharge', 'until'], message: 'the night window must not start and end at the same time' });
	}
	return found;
}

/** The smallest non-zero charge a stay past grace can incur: the first slab, unit or flat amount. */
function firstChargePaise(charge: Charge): number {
	switch (charge.kind) {
		case 'flat':
			return charge.amountPaise;
		case 'hourly':
			return (charge.ratePerHourPaise * charge.roundingMinutes) / 60;
		case 'slabs':
			return charge.slabs[0]?.amountPaise ?? 0;
	}
}

/**
 * The plan the original system applied everywhere: a rate per started hour after a free grace
 * period (`BASE_RATE_PER_HOUR=50` rupees, `GRACE_PERIOD_MINUTES=10`).
 * @throws ZodError when the rate or grace is out of range
 * @example fee(defaultPlan(), entry, entry + 61 * 60_000, 'Asia/Kolkata') // 10000 paise: two started hours
 */
export function defaultPlan({
	baseRatePerHourPaise = 5000,
	graceMinutes = 10,
	currency = 'INR'
}: { baseRatePerHourPaise?: number; graceMinutes?: number; currency?: string } = {}): TariffPlan {
	return tariffPlanSchema.parse({
		name: 'Default hourly',
		currency,
		graceMinutes,
		charge: { kind: 'hourly', ratePerHourPaise: baseRatePerHourPaise, roundingMinutes: 60 }
	});
}

/** A lot's tariff: its zone and currency, and a plan per vehicle class it admits. */
export const lotTariffSchema = z
	.strictObject({
		timeZone: timeZoneSchema.default('Asia/Kolkata'),
		currency: currencySchema.default('INR'),
		plans: z.partialRecord(vehicleClassSchema, tariffPlanSchema)
	})
	.superRefine((tariff, ctx) => {
		for (const [vehicleClass, plan] of Object.entries(tariff.plans)) {
			if (plan !== undefined && plan.currency !== tariff.currency) {
				ctx.addIssue({
					code: 'custom',
					path: ['plans', vehicleClass, 'currency'],
					message: `the plan is in ${plan.currency} but the lot charges in ${tariff.currency}`
				});
			}
		}
	});
export type LotTariff = z.output<typeof lotTariffSchema>;

/** The plan a lot applies to `vehicleClass`, or null when the lot does not admit that class. */
export function planForVehicle(tariff: LotTariff, vehicleClass: VehicleClass): TariffPlan | null {
	return tariff.plans[vehicleClass] ?? null;
}
