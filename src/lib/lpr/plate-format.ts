/**
 * Country-aware post-processing of a reading with the pure plate rules of `$lib/parking`: a
 * confusable character is replaced only where the country's format demands another kind of
 * character, choosing by the reader's own probabilities, and nothing is guessed on a tie.
 */
// the modules, not the barrel: the barrel brings the tariff schemas (zod) into the browser
import { correctToFormat, type CharCandidate } from '../parking/correct.ts';
import { isValidPlate, type PlateCountry } from '../parking/plates.ts';
import type { Reading } from './read.ts';

/** A lot's plate country, or `auto` to name the country without correcting anything. */
export type CountryOption = PlateCountry | 'auto';

/** The countries `auto` tries, strictest format first (a US format accepts almost anything). */
const AUTO_ORDER: readonly PlateCountry[] = ['in', 'br', 'eu', 'us'];

/** A reading after the country's rules. */
export interface FormattedReading {
	/** The plate text: the read, or its format correction. */
	readonly text: string;
	/** The reader's text before any correction. */
	readonly raw: string;
	/** Lowest confidence over the slots, with substituted characters at their own probability. */
	readonly confidence: number;
	/** Per character of `text`. */
	readonly charConfidences: readonly number[];
	/** The country whose format `text` fits; null when none does. */
	readonly country: PlateCountry | null;
	readonly valid: boolean;
	/** True when characters were substituted to fit the format. */
	readonly corrected: boolean;
}

/**
 * Applies the plate rules of `country` to a reading.
 *
 * With a country, `correctToFormat` gets the reader's top candidates per character, so `KA0IAB1234`
 * becomes `KA01AB1234` only when the reader gave `1` real weight at that place. With `auto` the
 * format is unknown, so there is nothing to demand a character: the text stays as read and
 * `country` names the first of in, br, eu, us whose format it fits.
 */
export function applyPlateFormat(reading: Reading, country: CountryOption): FormattedReading {
	const raw = reading.text;
	const base = {
		raw,
		confidence: reading.confidence,
		charConfidences: reading.chars.map((c) => c.confidence),
		corrected: false
	};
	if (raw === '') return { ...base, text: raw, country: null, valid: false };
	if (country === 'auto') {
		const fits = AUTO_ORDER.find((c) => isValidPlate(raw, c)) ?? null;
		return { ...base, text: raw, country: fits, valid: fits !== null };
	}
	const candidates: CharCandidate[][] = reading.chars.map((c) => c.candidates.map((x) => ({ ...x })));
	const result = correctToFormat(raw, country, candidates);
	if (result.status !== 'corrected') {
		return { ...base, text: result.text, country: result.valid ? country : null, valid: result.valid };
	}
	const charConfidences = [...base.charConfidences];
	let confidence = reading.confidence;
	for (const { index, to } of result.substitutions) {
		const p = reading.chars[index]?.candidates.find((c) => c.char === to)?.probability ?? 0;
		charConfidences[index] = p;
		// The substituted character was not the reader's first choice: the plate is only as sure
		// as that character's probability.
		confidence = Math.min(confidence, p);
	}
	return { ...base, text: result.text, confidence, charConfidences, country, valid: true, corrected: true };
}
