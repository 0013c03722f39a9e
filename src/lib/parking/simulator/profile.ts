/**
 * How a car park's day looks: local time slots, the hourly arrival-rate profile (rush hours
 * 08–10 and 17–20 on weekdays, a flatter weekend, quiet nights), and stay lengths (short visits,
 * workdays, overnight stays and a long tail).
 */
import { addDays, formatLocalDate, localDateTimeAt, wallTimeToUtc, type LocalDate } from '../time-zone.ts';
import type { Random } from './random.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Every zone's offset is a whole number of quarter hours, so local hour and date are constant within one. */
export const QUARTER_HOUR_MS = 15 * MINUTE_MS;

/** What the wall clock says during one UTC quarter hour in the lot's zone. */
export interface LocalSlot {
	readonly date: LocalDate;
	/** YYYY-MM-DD. */
	readonly day: string;
	/** 0–23. */
	readonly hour: number;
	/** 0 Sunday … 6 Saturday. */
	readonly weekday: number;
	readonly weekend: boolean;
}

/** Local time in one zone, cached per quarter hour: `Intl` formatting is the simulator's hot spot. */
export interface LocalClock {
	readonly timeZone: string;
	/** The slot containing the instant `ms`. */
	at(ms: number): LocalSlot;
	/** The instants a local day starts (inclusive) and ends (exclusive). */
	dayBounds(day: LocalDate): { readonly fromMs: number; readonly untilMs: number };
}

/**
 * A {@link LocalClock} for `timeZone`.
 * @throws RangeError when the zone is unknown (on first use)
 */
export function createLocalClock(timeZone: string): LocalClock {
	const slots = new Map<number, LocalSlot>();
	return {
		timeZone,
		at(ms) {
			const quarter = Math.floor(ms / QUARTER_HOUR_MS);
			let slot = slots.get(quarter);
			if (slot === undefined) {
				const { year, month, day, hour } = localDateTimeAt(quarter * QUARTER_HOUR_MS, timeZone);
				const date = { year, month, day };
				const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
				slot = { date, day: formatLocalDate(date), hour, weekday, weekend: weekday === 0 || weekday === 6 };
				slots.set(quarter, slot);
			}
			return slot;
		},
		dayBounds: (date) => ({
			fromMs: wallTimeToUtc(date, 0, timeZone),
			untilMs: wallTimeToUtc(addDays(date, 1), 0, timeZone)
		})
	};
}

/** Relative arrivals per local hour on a weekday: morning and evening rushes, quiet nights. */
export const WEEKDAY_PROFILE: readonly number[] = [
	0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 1.0, 2.6, 6.0, 6.5, 4.2, 3.0, 3.2, 3.0, 2.8, 2.8, 3.4, 5.0, 5.6, 4.6, 2.4, 1.5, 0.8,
	0.5
];
/** Relative arrivals per local hour at weekends: late start, midday and evening humps. */
export const WEEKEND_PROFILE: readonly number[] = [
	0.4, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.5, 2.5, 3.5, 4.2, 4.5, 4.2, 3.8, 3.5, 3.6, 4.4, 4.8, 4.4, 2.8, 1.8, 1.0,
	0.6
];
/** Weekend arrivals as a share of weekday arrivals. */
export const WEEKEND_DEMAND = 0.75;

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const WEEKDAY_TOTAL = sum(WEEKDAY_PROFILE);
const WEEKEND_TOTAL = sum(WEEKEND_PROFILE);

/** Expected arrivals per hour during `slot` for a lot that sees `arrivalsPerDay` on a weekday. */
export function arrivalRatePerHour(slot: LocalSlot, arrivalsPerDay: number): number {
	return slot.weekend
		? (arrivalsPerDay * WEEKEND_DEMAND * (WEEKEND_PROFILE[slot.hour] ?? 0)) / WEEKEND_TOTAL
		: (arrivalsPerDay * (WEEKDAY_PROFILE[slot.hour] ?? 0)) / WEEKDAY_TOTAL;
}

/**
 * Arrival instants in [fromMs, toMs), whole seconds, ascending: a Poisson process whose rate
 * is constant within each UTC quarter hour and follows {@link arrivalRatePerHour}.
 */
export function arrivalTimes(
	random: Random,
	clock: LocalClock,
	fromMs: number,
	toMs: number,
	arrivalsPerDay: number
): number[] {
	const times: number[] = [];
	for (let quarter = Math.floor(fromMs / QUARTER_HOUR_MS); quarter * QUARTER_HOUR_MS < toMs; quarter++) {
		const start = Math.max(fromMs, quarter * QUARTER_HOUR_MS);
		const end = Math.min(toMs, (quarter + 1) * QUARTER_HOUR_MS);
		const ratePerMs = arrivalRatePerHour(clock.at(start), arrivalsPerDay) / HOUR_MS;
		if (!(ratePerMs > 0)) continue;
		for (let t = start + random.exponential(ratePerMs); t < end; t += random.exponential(ratePerMs)) {
			const second = Math.ceil(t / 1000) * 1000;
			if (second < end) times.push(second);
		}
	}
	return times;
}

/** Share of arrivals during `slot` that are regular commuters (and permit holders). */
export function commuterShare(slot: LocalSlot): number {
	if (slot.weekend) return 0.05;
	if (slot.hour >= 7 && slot.hour <= 9) return 0.65;
	if (slot.hour === 6 || slot.hour === 10) return 0.35;
	return 0.04;
}

/** Who is parking decides how long: a commuter's workday or a visitor's errand. */
export type StayPattern = 'commuter' | 'visitor';

/** Shortest stay drawn: a car that enters and leaves within minutes is a different story. */
export const MIN_STAY_MS = 5 * MINUTE_MS;
/** Longest stay drawn, long-stay faults included. */
export const MAX_STAY_MS = 14 * 24 * HOUR_MS;

type Component = readonly [median: number, sigma: number];
const SHORT: Component = [50 * MINUTE_MS, 0.8];
const HALF_DAY: Component = [3.5 * HOUR_MS, 0.35];
const WORKDAY: Component = [9 * HOUR_MS, 0.12];
const OVERNIGHT: Component = [13 * HOUR_MS, 0.45];
const MULTI_DAY: Component = [20 * HOUR_MS, 0.5];

const clampStay = (ms: number): number => Math.round(Math.min(MAX_STAY_MS, Math.max(MIN_STAY_MS, ms)) / 1000) * 1000;

/**
 * A stay length in whole seconds, from a lognormal mixture: visitors mostly stay under two hours
 * with a half-day and an overnight tail (arrivals late at night mostly stay overnight);
 * commuters stay about nine hours.
 */
export function sampleStayMs(random: Random, pattern: StayPattern, slot: LocalSlot): number {
	const night = slot.hour >= 21 || slot.hour < 5;
	const mixture: (readonly [Component, number])[] =
		pattern === 'commuter'
			? [
					[WORKDAY, 0.93],
					[SHORT, 0.04],
					[MULTI_DAY, 0.03]
				]
			: night
				? [
						[SHORT, 0.5],
						[OVERNIGHT, 0.5]
					]
				: [
						[SHORT, 0.8],
						[HALF_DAY, 0.14],
						[OVERNIGHT, 0.06]
					];
	const [median, sigma] = random.weighted(mixture);
	return clampStay(random.lognormal(median, sigma));
}

/** A stay drawn for a long-stay fault: mostly 1.1–3 times the lot's threshold. */
export function sampleLongStayMs(random: Random, longStayMinutes: number): number {
	const threshold = longStayMinutes * MINUTE_MS;
	return clampStay(Math.max(1.05 * threshold, random.lognormal(1.6 * threshold, 0.3)));
}
