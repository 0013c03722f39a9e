/**
 * How alike two plate texts are for a camera: an edit distance in which swapping characters an
 * OCR reader confuses (O/0, B/8, …) costs less than any other change. Used to pair an exit read
 * with the entry session of the same car when one of the two reads is off by a character.
 */
import { normalisePlate } from './plates.ts';

/** Cost of substituting the classic letter/digit twins that plate readers swap most. */
export const STRONG_CONFUSION_COST = 0.25;
/** Cost of substituting a pair that readers confuse less often. */
export const WEAK_CONFUSION_COST = 0.5;
/** Cost of any other substitution, and of every insertion or deletion. */
export const EDIT_COST = 1;

// Costs are binary fractions, so sums of them are exact and a distance can be compared with a
// threshold without a tolerance.
/** Character pairs plate readers confuse, with the cost of substituting one for the other. */
export const CONFUSABLE_PAIRS: readonly (readonly [string, string, number])[] = [
	['O', '0', STRONG_CONFUSION_COST],
	['D', '0', STRONG_CONFUSION_COST],
	['Q', '0', STRONG_CONFUSION_COST],
	['I', '1', STRONG_CONFUSION_COST],
	['B', '8', STRONG_CONFUSION_COST],
	['S', '5', STRONG_CONFUSION_COST],
	['Z', '2', STRONG_CONFUSION_COST],
	['G', '6', STRONG_CONFUSION_COST],
	['A', '4', WEAK_CONFUSION_COST],
	['T', '7', WEAK_CONFUSION_COST],
	['L', '1', WEAK_CONFUSION_COST],
	['U', 'V', WEAK_CONFUSION_COST],
	['O', 'D', WEAK_CONFUSION_COST],
	['O', 'Q', WEAK_CONFUSION_COST],
	['C', 'G', WEAK_CONFUSION_COST],
	['E', 'F', WEAK_CONFUSION_COST],
	['P', 'R', WEAK_CONFUSION_COST],
	['M', 'N', WEAK_CONFUSION_COST],
	['K', 'X', WEAK_CONFUSION_COST],
	['1', '7', WEAK_CONFUSION_COST],
	['3', '8', WEAK_CONFUSION_COST],
	['6', '8', WEAK_CONFUSION_COST],
	['5', '6', WEAK_CONFUSION_COST]
];

const pairCost = new Map<string, number>();
const partners = new Map<string, string[]>();
for (const [a, b, cost] of CONFUSABLE_PAIRS) {
	pairCost.set(a + b, cost);
	pairCost.set(b + a, cost);
	partners.set(a, [...(partners.get(a) ?? []), b]);
	partners.set(b, [...(partners.get(b) ?? []), a]);
}
for (const [char, list] of partners) {
	list.sort((x, y) => substitutionCost(char, x) - substitutionCost(char, y) || x.localeCompare(y));
}

/**
 * What replacing `from` with `to` costs: 0 for the same character, the pair's cost for a
 * {@link CONFUSABLE_PAIRS confusable pair}, {@link EDIT_COST} otherwise. Symmetric.
 */
export function substitutionCost(from: string, to: string): number {
	if (from === to) return 0;
	return pairCost.get(from + to) ?? EDIT_COST;
}

/** The characters a reader confuses with `char`, cheapest substitution first. */
export function confusablesOf(char: string): readonly string[] {
	return partners.get(char) ?? [];
}

/**
 * Weighted edit distance between two plate texts as given (normalise them first): confusable
 * substitutions cost {@link STRONG_CONFUSION_COST} or {@link WEAK_CONFUSION_COST}, other
 * substitutions, insertions and deletions {@link EDIT_COST}. Symmetric; 0 only for equal texts.
 * @example plateDistance('KA01AB1234', 'KA0IAB1234') // 0.25
 */
export function plateDistance(a: string, b: string): number {
	// One row of the Levenshtein table at a time; plates are at most a dozen characters.
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j * EDIT_COST);
	for (let i = 1; i <= a.length; i++) {
		const current = [i * EDIT_COST];
		for (let j = 1; j <= b.length; j++) {
			const substitute = (previous[j - 1] ?? 0) + substitutionCost(a[i - 1] ?? '', b[j - 1] ?? '');
			const remove = (previous[j] ?? 0) + EDIT_COST;
			const insert = (current[j - 1] ?? 0) + EDIT_COST;
			current.push(Math.min(substitute, remove, insert));
		}
		previous = current;
	}
	return previous[b.length] ?? 0;
}

/** One candidate plate that may be the car behind a read. */
export interface ConfusableMatch {
	/** Position of the candidate in the list given, so callers can map back to their records. */
	readonly index: number;
	/** The candidate's normalised text. */
	readonly plate: string;
	/** {@link plateDistance} from the read; 0 for an exact match. */
	readonly cost: number;
}

/** Options for {@link findConfusableMatches}. */
export interface ConfusableMatchOptions {
	/** Largest distance still reported; the default 1 allows one arbitrary misread character. */
	readonly maxCost?: number;
}

/**
 * Ranks `candidates` (e.g. plates of a lot's open sessions) by how likely each is the plate a
 * camera read as `read`, cheapest first, ties in the order given.
 *
 * An exact match wins alone: when the read equals a candidate, no other candidate is returned,
 * so a correctly read plate is never paired with a different car. Reads or candidates that do
 * not normalise (junk, too long) never match.
 * @example findConfusableMatches('KA01A81234', ['MH12AB1234', 'KA01AB1234'])
 * // [{ index: 1, plate: 'KA01AB1234', cost: 0.25 }]
 */
export function findConfusableMatches(
	read: string,
	candidates: readonly string[],
	{ maxCost = EDIT_COST }: ConfusableMatchOptions = {}
): ConfusableMatch[] {
	if (!(maxCost >= 0)) throw new RangeError(`maxCost must be a number >= 0, got ${maxCost}`);
	const normalisedRead = normalisePlate(read);
	if (!normalisedRead.ok) return [];
	const readPlate = normalisedRead.value;
	const plates: { index: number; plate: string }[] = [];
	candidates.forEach((candidate, index) => {
		const normalised = normalisePlate(candidate);
		if (normalised.ok) plates.push({ index, plate: normalised.value });
	});
	const exact = plates.filter(({ plate }) => plate === readPlate);
	if (exact.length > 0) return exact.map((entry) => ({ ...entry, cost: 0 }));
	return plates
		.map((entry) => ({ ...entry, cost: plateDistance(readPlate, entry.plate) }))
		.filter((match) => match.cost <= maxCost)
		.sort((x, y) => x.cost - y.cost || x.index - y.index);
}
