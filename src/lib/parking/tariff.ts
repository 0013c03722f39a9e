/**
 * What a stay costs: a pure function of a validated plan, the entry and exit instants and the
 * lot's time zone. The result is exact integer paise plus the lines a receipt prints.
 */
import { err, ok, type Result } from './result.ts';
// the limits and types only: this module runs on the patrol phone, which gets no zod
import { CAP_WINDOW_MINUTES } from './tariff-limits.ts';
import type { Charge, TariffPlan } from './tariff-plan.ts';
import { addDays, isValidTimeZone, localDateAt, wallTimeToUtc, type LocalDate } from './time-zone.ts';

const MINUTE_MS = 60_000;
const CAP_WINDOW_MS = CAP_WINDOW_MINUTES * MINUTE_MS;
/**
 * Longest stay priced (ten years). Longer is a data error (a session never closed); refusing it
 * also keeps every product of plan amounts and counts inside the safe-integer range.
 */
export const MAX_STAY_MS = 3653 * 24 * 60 * MINUTE_MS;

/** Why a fee could not be computed. */
export type FeeError =
	| { readonly kind: 'invalid-instant'; readonly which: 'entry' | 'exit'; readonly value: number }
	| { readonly kind: 'exit-before-entry'; readonly entryMs: number; readonly exitMs: number }
	| { readonly kind: 'invalid-time-zone'; readonly timeZone: string }
	| { readonly kind: 'stay-too-long'; readonly durationMs: number; readonly maxMs: number };

/** One line of a receipt. The lines' amounts add up to the fee's total. */
export type FeeLine =
	| {
			/** The time-based charge for one 24 h window of the stay, counted from entry. */
			readonly kind: 'time';
			/** 1 for the first 24 h, 2 for the next, … */
			readonly window: number;
			readonly fromMs: number;
			readonly untilMs: number;
			/** What the plan charges for this window before the cap. */
			readonly uncappedPaise: number;
			readonly amountPaise: number;
	  }
	| {
			/** A night charge, for a night window (in UTC instants) the stay overlapped. */
			readonly kind: 'night';
			readonly fromMs: number;
			readonly untilMs: number;
			readonly amountPaise: number;
	  };

/** The price of a stay. */
export interface Fee {
	readonly totalPaise: number;
	readonly currency: string;
	readonly durationMs: number;
	/** Why the stay is free regardless of the plan, if it is. */
	readonly waived: 'permit' | 'grace' | null;
	readonly lines: readonly FeeLine[];
}

/** Options for {@link fee}. */
export interface FeeOptions {
	/** The vehicle holds a permit valid for the stay: it is charged nothing. */
	readonly permit?: boolean;
}

/**
 * Prices a stay from `entryMs` to `exitMs` (UTC epoch milliseconds) under `plan`, with local-time
 * rules evaluated in `timeZone`.
 *
 * - A stay no longer than the plan's grace is free, night charge included; a longer one pays
 *   from its first minute.
 * - The time charge follows the plan's slabs, hourly rate or flat amount, over the exact stay
 *   (60 min and 1 ms is a started second hour).
 * - The cap applies per rolling 24 h from entry, not per calendar day: the stay is cut into
 *   windows [entry, entry + 24 h), [entry + 24 h, entry + 48 h), … and each window pays what the
 *   plan charges for the time inside it, at most the cap. The tariff continues across windows
 *   (hour 25 is priced as hour 25), it does not restart at the first slab.
 * - Night charges are added once per night window overlapped, on top of the cap.
 * - A permit makes the stay free (it still needs valid instants and zone).
 * @returns the fee with its receipt lines, or why it cannot be computed
 * @example fee(defaultPlan(), entryMs, entryMs + 90 * 60_000, 'Asia/Kolkata') // ok, totalPaise 10000
 */
export function fee(
	plan: TariffPlan,
	entryMs: number,
	exitMs: number,
	timeZone: string,
	{ permit = false }: FeeOptions = {}
): Result<Fee, FeeError> {
	if (!Number.isSafeInteger(entryMs)) return err({ kind: 'invalid-instant', which: 'entry', value: entryMs });
	if (!Number.isSafeInteger(exitMs)) return err({ kind: 'invalid-instant', which: 'exit', value: exitMs });
	if (exitMs < entryMs) return err({ kind: 'exit-before-entry', entryMs, exitMs });
	if (!isValidTimeZone(timeZone)) return err({ kind: 'invalid-time-zone', timeZone });
	const durationMs = exitMs - entryMs;
	if (durationMs > MAX_STAY_MS) return err({ kind: 'stay-too-long', durationMs, maxMs: MAX_STAY_MS });

	const free = (waived: 'permit' | 'grace'): Result<Fee, FeeError> =>
		ok({ totalPaise: 0, currency: plan.currency, durationMs, waived, lines: [] });
	if (permit) return free('permit');
	if (durationMs <= plan.graceMinutes * MINUTE_MS) return free('grace');

	const lines = timeLines(plan, entryMs, durationMs);
	if (plan.nightCharge !== undefined) {
		const { from, until, amountPaise } = plan.nightCharge;
		for (const night of nightWindows(entryMs, exitMs, minuteOfDay(from), minuteOfDay(until), timeZone)) {
			lines.push({ kind: 'night', ...night, amountPaise });
		}
	}
	const totalPaise = lines.reduce((sum, line) => sum + line.amountPaise, 0);
	return ok({ totalPaise, currency: plan.currency, durationMs, waived: null, lines });
}

function timeLines(plan: TariffPlan, entryMs: number, durationMs: number): FeeLine[] {
	const lines: FeeLine[] = [];
	const cap = plan.capPer24hPaise ?? Number.POSITIVE_INFINITY;
	for (let start = 0, windowNumber = 1; start < durationMs; start += CAP_WINDOW_MS, windowNumber++) {
		const end = Math.min(durationMs, start + CAP_WINDOW_MS);
		const uncappedPaise = chargeFor(plan.charge, end) - chargeFor(plan.charge, start);
		const amountPaise = Math.min(uncappedPaise, cap);
		const untilMs = entryMs + end;
		lines.push({ kind: 'time', window: windowNumber, fromMs: entryMs + start, untilMs, uncappedPaise, amountPaise });
	}
	return lines;
}

/**
 * The uncapped time charge for a stay of `durationMs`; 0 for 0 so that the differences taken
 * per cap window add up to the whole. Never decreases as the duration grows, given a valid plan.
 */
function chargeFor(charge: Charge, durationMs: number): number {
	if (durationMs <= 0) return 0;
	switch (charge.kind) {
		case 'flat':
			return charge.periodMinutes === undefined
				? charge.amountPaise
				: startedUnits(durationMs, charge.periodMinutes) * charge.amountPaise;
		case 'hourly':
			// The plan schema guarantees the per-unit price is a whole number of paise.
			return startedUnits(durationMs, charge.roundingMinutes) * ((charge.ratePerHourPaise * charge.roundingMinutes) / 60);
		case 'slabs': {
			const slab = charge.slabs.find(({ upToMinutes }) => durationMs <= upToMinutes * MINUTE_MS);
			if (slab !== undefined) return slab.amountPaise;
			const last = charge.slabs.at(-1) ?? { upToMinutes: 0, amountPaise: 0 };
			const beyond = durationMs - last.upToMinutes * MINUTE_MS;
			return last.amountPaise + startedUnits(beyond, charge.thereafter.everyMinutes) * charge.thereafter.amountPaise;
		}
	}
}

function startedUnits(durationMs: number, unitMinutes: number): number {
	return Math.ceil(durationMs / (unitMinutes * MINUTE_MS));
}

function minuteOfDay(hhmm: string): number {
	const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
	return hours * 60 + minutes;
}

/**
 * The night windows that overlap [entryMs, exitMs), as UTC instants. Each window is placed on
 * the local calendar, so across a daylight-saving change it is an hour shorter or longer in
 * real time, exactly as the lot's clocks show it.
 */
function nightWindows(
	entryMs: number,
	exitMs: number,
	fromMinute: number,
	untilMinute: number,
	timeZone: string
): { fromMs: number; untilMs: number }[] {
	const windows: { fromMs: number; untilMs: number }[] = [];
	const crossesMidnight = untilMinute < fromMinute;
	const dateKey = ({ year, month, day }: LocalDate): number => year * 10_000 + month * 100 + day;
	const lastDate = dateKey(localDateAt(exitMs, timeZone));
	// A window that crosses midnight and began the local day before entry can still overlap it.
	for (let date = addDays(localDateAt(entryMs, timeZone), -1); dateKey(date) <= lastDate; date = addDays(date, 1)) {
		const fromMs = wallTimeToUtc(date, fromMinute, timeZone);
		const untilMs = wallTimeToUtc(crossesMidnight ? addDays(date, 1) : date, untilMinute, timeZone);
		// A window starting in a spring-forward gap moves past it and may then end before it starts.
		if (untilMs > fromMs && entryMs < untilMs && exitMs > fromMs) windows.push({ fromMs, untilMs });
	}
	return windows;
}
