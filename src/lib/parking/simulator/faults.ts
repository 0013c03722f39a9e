/**
 * The faults the simulator injects and how each is built so that it raises exactly the anomaly
 * it stands for: a misread that is confusable with one open session and equals none, an
 * unreadable read, confidences either side of the lot's threshold.
 */
import { isValidPlate, type PlateCountry } from '../plates.ts';
import { confusablesOf, findConfusableMatches } from '../similarity.ts';
import { mayBeWithin } from './nearby.ts';
import type { Random } from './random.ts';
import { FAULT_KINDS, type FaultKind } from './types.ts';

/**
 * How often each fault is injected. `permit-expiry` is per permit holder, `over-capacity` per
 * local day, `hotlist-visit` per arrival; the rest are per admitted visit, at most one each.
 */
export type FaultRates = Readonly<Record<FaultKind, number>>;

/** Faults drawn once per visit, mutually exclusive. */
export const VISIT_FAULT_KINDS = [
	'misread-exit',
	'duplicate-entry',
	'missed-entry',
	'unreadable-entry',
	'missing-exit',
	'long-stay',
	'low-confidence'
] as const satisfies readonly FaultKind[];

/** Rates that give a simulated week of a 500-space lot a few dozen of each per-visit fault. */
export const DEFAULT_FAULT_RATES: FaultRates = {
	'misread-exit': 0.01,
	'duplicate-entry': 0.01,
	'missed-entry': 0.005,
	'unreadable-entry': 0.003,
	'missing-exit': 0.002,
	'long-stay': 0.005,
	'low-confidence': 0.01,
	'hotlist-visit': 0.002,
	'permit-expiry': 0.2,
	'over-capacity': 0.3
};

/** All rates 0: clean traffic (natural long stays still happen). */
export const NO_FAULTS: FaultRates = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<
	FaultKind,
	number
>;

/**
 * The defaults overridden by `rates`.
 * @throws RangeError when a rate is not within 0–1 or the per-visit rates add up to more than 1
 */
export function resolveFaultRates(rates: Partial<Record<FaultKind, number>> = {}): FaultRates {
	const resolved = { ...DEFAULT_FAULT_RATES, ...rates };
	for (const kind of FAULT_KINDS) {
		const rate = resolved[kind];
		if (!(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate ${kind} must be within 0–1, got ${rate}`);
	}
	const perVisit = VISIT_FAULT_KINDS.reduce((total, kind) => total + resolved[kind], 0);
	if (perVisit > 1) throw new RangeError(`per-visit fault rates add up to ${perVisit}, more than 1`);
	return resolved;
}

/** What {@link misreadPlate} must avoid. */
export interface MisreadContext {
	readonly country: PlateCountry;
	/** Plates of the sessions open in the system right now (the true plate among them). */
	readonly openPlates: readonly string[];
	/** `maxCost` the system passes to `exitMatch`. */
	readonly maxCost: number;
	/** Plates the read must not be: every plate of a real car, the hotlist. */
	readonly isForbidden: (plate: string) => boolean;
}

/**
 * A camera misread of `plate` at the exit: one character swapped for a confusable one
 * (`confusablesOf`), still a valid plate of the country (so format correction leaves it alone),
 * equal to no open session's plate and to no real car's, and within `maxCost` of exactly one
 * open session — `plate`'s. Such a read must raise `plate-mismatch` and nothing else.
 * @returns the misread, or null when no substitution meets all of that
 */
export function misreadPlate(plate: string, random: Random, context: MisreadContext): string | null {
	const candidates: string[] = [];
	for (let index = 0; index < plate.length; index++) {
		for (const replacement of confusablesOf(plate.charAt(index))) {
			const read = plate.slice(0, index) + replacement + plate.slice(index + 1);
			if (isValidPlate(read, context.country)) candidates.push(read);
		}
	}
	const open = new Set(context.openPlates);
	for (const read of random.shuffle(candidates)) {
		if (open.has(read) || context.isForbidden(read)) continue;
		const near = context.openPlates.filter((candidate) => mayBeWithin(read, candidate, context.maxCost));
		const matches = findConfusableMatches(read, near, { maxCost: context.maxCost });
		if (matches.length === 1 && matches[0]?.plate === plate) return read;
	}
	return null;
}

const UNREADABLE_MARKS = ['?', '#', '*', '_'] as const;

/**
 * What a reader returns when it cannot read a plate: the plate with one to three characters
 * replaced by a mark that is not plate text, or only marks. Never normalises (`normalisePlate`
 * refuses it), so the system must raise `unreadable-plate`.
 */
export function unreadableRead(plate: string, random: Random): string {
	if (plate.length === 0 || random.chance(0.2)) return random.pick(UNREADABLE_MARKS).repeat(random.int(3, 8));
	const chars = [...plate];
	const count = Math.min(chars.length, random.int(1, 3));
	for (const index of random.shuffle(chars.map((_, i) => i)).slice(0, count))
		chars[index] = random.pick(UNREADABLE_MARKS);
	return chars.join('');
}

/** Normal reads sit at least this far above the lot's threshold. */
const CONFIDENCE_MARGIN = 0.02;

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * The confidence of a good read: mostly 0.93–0.999, never below `threshold` + 0.02.
 * @throws RangeError when the threshold leaves no room for a good read (above 0.97)
 */
export function goodConfidence(random: Random, threshold: number): number {
	const floor = threshold + CONFIDENCE_MARGIN;
	if (floor > 0.999) throw new RangeError(`threshold ${threshold} leaves no room for good reads`);
	const value = 0.999 - random.exponential(1 / 0.03);
	return Math.max(round3(floor), Math.min(0.999, round3(value)));
}

/**
 * The confidence of a poor read: 30–95 % of `threshold`, rounded down to 0.001 so it stays
 * below the threshold.
 * @throws RangeError when the threshold is too low for any read to fall below it
 */
export function poorConfidence(random: Random, threshold: number): number {
	if (!(threshold > 0.01)) throw new RangeError(`threshold ${threshold} leaves no room for poor reads`);
	const value = Math.floor(random.uniform(0.3, 0.95) * threshold * 1000) / 1000;
	return value < threshold ? value : Math.floor(threshold * 1000 - 1) / 1000;
}
