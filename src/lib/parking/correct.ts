/**
 * OCR post-processing driven by the plate format: when a read is not a valid plate of the
 * lot's country, look for the valid plate reachable by the fewest confusable substitutions
 * (`KA0IAB1234` → `KA01AB1234`: the RTO position needs a digit). A read that is already valid is
 * never touched, and nothing is guessed when two corrections are equally good.
 */
import { isValidPlate, normalisePlate, type PlateCountry } from './plates.ts';
import { confusablesOf } from './similarity.ts';

/** One alternative the reader considered for a character position, with its probability. */
export interface CharCandidate {
	readonly char: string;
	readonly probability: number;
}

/** Options for {@link correctToFormat}. */
export interface CorrectionOptions {
	/** Most characters changed in one read (default 2, at most {@link MAX_SUBSTITUTIONS}). */
	readonly maxSubstitutions?: number;
}

/** Upper bound for {@link CorrectionOptions.maxSubstitutions}: beyond it a "correction" is a guess. */
export const MAX_SUBSTITUTIONS = 4;
/**
 * How many of the reader's alternatives per character are tried, most probable first. A reader
 * may hand over its whole softmax; trying 36 alternatives at four positions would be 10⁸ forms.
 */
export const MAX_ALTERNATIVES_PER_CHAR = 3;

/** One character changed by a correction; `index` is a position in the normalised read. */
export interface Substitution {
	readonly index: number;
	readonly from: string;
	readonly to: string;
}

/**
 * The outcome of {@link correctToFormat}.
 * - `valid`: the read already was a valid plate; returned unchanged.
 * - `corrected`: exactly one best valid form was found; `text` is that form.
 * - `ambiguous`: several valid forms tie; `text` is the read, `alternatives` the tied forms.
 * - `uncorrectable`: no valid form within the allowed substitutions; `text` is the read.
 * - `unreadable`: the read does not even normalise; `text` is the raw read.
 */
export interface Correction {
	readonly status: 'valid' | 'corrected' | 'ambiguous' | 'uncorrectable' | 'unreadable';
	/** The normalised read, or the corrected plate when `status` is `corrected`. */
	readonly text: string;
	/** True only when characters were substituted (normalising spacing or case does not count). */
	readonly changed: boolean;
	/** Whether `text` is a valid plate of the country. */
	readonly valid: boolean;
	readonly substitutions: readonly Substitution[];
	readonly alternatives: readonly string[];
}

const SCORE_TOLERANCE = 1e-9;

interface Form {
	readonly text: string;
	readonly substitutions: readonly Substitution[];
	/** Sum of log-probabilities over all positions; only meaningful with reader candidates. */
	readonly logProbability: number;
}

/**
 * Fixes confusable characters in `read` where the format of `country` demands another kind of
 * character, e.g. `correctToFormat('KA0IAB1234', 'in').text === 'KA01AB1234'`.
 *
 * Without `perCharCandidates`, the alternatives for each character are its
 * {@link confusablesOf confusables}, and the valid form with the fewest substitutions wins. With
 * them (one list per character of the normalised read, each including the character read), the
 * reader's own alternatives are used instead and the valid form with the highest joint
 * probability wins. Either way a tie leaves the read unchanged as `ambiguous`.
 * @throws RangeError when `perCharCandidates` does not line up with the normalised read, lists
 *   a probability outside 0–1 or a character outside A–Z0–9, or omits the character read
 */
export function correctToFormat(
	read: string,
	country: PlateCountry,
	perCharCandidates?: readonly (readonly CharCandidate[])[],
	{ maxSubstitutions = 2 }: CorrectionOptions = {}
): Correction {
	if (!Number.isInteger(maxSubstitutions) || maxSubstitutions < 0 || maxSubstitutions > MAX_SUBSTITUTIONS) {
		throw new RangeError(`maxSubstitutions must be an integer 0–${MAX_SUBSTITUTIONS}, got ${maxSubstitutions}`);
	}
	const normalised = normalisePlate(read);
	if (!normalised.ok) return outcome('unreadable', read, false);
	const text = normalised.value;
	if (perCharCandidates !== undefined) checkCandidates(text, perCharCandidates);
	if (isValidPlate(text, country)) return outcome('valid', text, true);

	const alternatives = [...text].map((char, index) => alternativesAt(char, perCharCandidates?.[index]));
	const valid = enumerateForms(text, alternatives, maxSubstitutions).filter((form) =>
		isValidPlate(form.text, country)
	);
	if (valid.length === 0) return outcome('uncorrectable', text, false);

	// Fewest substitutions without probabilities; highest joint probability with them, where
	// sums of the same logs in another order may differ in the last bits, hence the tolerance.
	const score =
		perCharCandidates === undefined ? (form: Form) => -form.substitutions.length : (form: Form) => form.logProbability;
	const best = valid.reduce((max, form) => Math.max(max, score(form)), Number.NEGATIVE_INFINITY);
	const winners = valid.filter((form) => score(form) >= best - SCORE_TOLERANCE);
	const [winner] = winners;
	if (winners.length > 1 || winner === undefined) {
		return { ...outcome('ambiguous', text, false), alternatives: winners.map((form) => form.text).sort() };
	}
	const { text: corrected, substitutions } = winner;
	return { status: 'corrected', text: corrected, changed: true, valid: true, substitutions, alternatives: [] };
}

function outcome(status: Correction['status'], text: string, valid: boolean): Correction {
	return { status, text, changed: false, valid, substitutions: [], alternatives: [] };
}

interface Alternative {
	readonly char: string;
	readonly logProbability: number;
}

/**
 * The read character first, then what it could have been: its confusables, or the reader's
 * other candidates (each character once, the most probable {@link MAX_ALTERNATIVES_PER_CHAR},
 * none the reader gave probability 0).
 */
function alternativesAt(char: string, candidates: readonly CharCandidate[] | undefined): Alternative[] {
	if (candidates === undefined) {
		return [char, ...confusablesOf(char)].map((c) => ({ char: c, logProbability: 0 }));
	}
	const byChar = new Map<string, number>();
	for (const { char: c, probability } of candidates) {
		if (!byChar.has(c) && (c === char || probability > 0)) byChar.set(c, probability);
	}
	const readProbability = byChar.get(char) ?? 0;
	byChar.delete(char);
	const others = [...byChar].sort(([, p], [, q]) => q - p).slice(0, MAX_ALTERNATIVES_PER_CHAR);
	return [[char, readProbability] as const, ...others].map(([c, probability]) => ({
		char: c,
		logProbability: Math.log(probability)
	}));
}

/** Every form of `text` with at most `maxSubstitutions` characters swapped for an alternative. */
function enumerateForms(text: string, alternatives: readonly Alternative[][], maxSubstitutions: number): Form[] {
	const forms: Form[] = [];
	const visit = (index: number, prefix: string, substitutions: Substitution[], logProbability: number): void => {
		if (index === text.length) {
			forms.push({ text: prefix, substitutions: [...substitutions], logProbability });
			return;
		}
		const [kept, ...others] = alternatives[index] ?? [];
		if (kept === undefined) return;
		visit(index + 1, prefix + kept.char, substitutions, logProbability + kept.logProbability);
		if (substitutions.length === maxSubstitutions) return;
		for (const other of others) {
			substitutions.push({ index, from: kept.char, to: other.char });
			visit(index + 1, prefix + other.char, substitutions, logProbability + other.logProbability);
			substitutions.pop();
		}
	};
	visit(0, '', [], 0);
	return forms;
}

function checkCandidates(text: string, perCharCandidates: readonly (readonly CharCandidate[])[]): void {
	if (perCharCandidates.length !== text.length) {
		throw new RangeError(
			`perCharCandidates has ${perCharCandidates.length} positions but the normalised read ${text} has ${text.length}`
		);
	}
	perCharCandidates.forEach((candidates, index) => {
		for (const { char, probability } of candidates) {
			if (!/^[A-Z0-9]$/.test(char)) throw new RangeError(`candidate ${JSON.stringify(char)} at ${index} is not A–Z0–9`);
			if (!(probability >= 0 && probability <= 1)) {
				throw new RangeError(`candidate ${char} at ${index} has probability ${probability}, not 0–1`);
			}
		}
		if (!candidates.some((candidate) => candidate.char === text[index])) {
			throw new RangeError(`candidates at ${index} do not include the character read, ${text[index]}`);
		}
	});
}
