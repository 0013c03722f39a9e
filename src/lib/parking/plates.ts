/**
 * Licence-plate text: one normalised form for storage and matching, and per-country format
 * knowledge for validation and OCR post-processing. A lot picks its {@link PlateCountry}; nothing
 * here assumes India except the `in` format itself.
 */
import { err, ok, type Result } from './result.ts';

/** The plate formats a lot can choose from. */
export const PLATE_COUNTRIES = ['in', 'br', 'eu', 'us', 'generic'] as const;
export type PlateCountry = (typeof PLATE_COUNTRIES)[number];

/** Longest normalised plate accepted anywhere; no registration format we know is longer. */
export const MAX_PLATE_LENGTH = 12;

/**
 * Indian state and union-territory codes, current and still-on-the-road historic ones: OR
 * (Odisha before 2012), UA (Uttarakhand before 2007), DN (Dadra and Nagar Haveli before the 2020
 * merger into DD) and TG next to TS (Telangana re-coded in 2024). Diplomatic (CD/CC/UN) and
 * military plates have other layouts and are not covered.
 */
export const INDIAN_STATE_CODES: ReadonlySet<string> = new Set([
	'AN', 'AP', 'AR', 'AS', 'BR', 'CG', 'CH', 'DD', 'DL', 'DN', 'GA', 'GJ', 'HP', 'HR', 'JH', 'JK',
	'KA', 'KL', 'LA', 'LD', 'MH', 'ML', 'MN', 'MP', 'MZ', 'NL', 'OD', 'OR', 'PB', 'PY', 'RJ', 'SK',
	'TG', 'TN', 'TR', 'TS', 'UA', 'UK', 'UP', 'WB'
]);

/**
 * Why a raw text is not a plate at all (before any country format is considered). An invalid
 * character's `index` counts UTF-16 units in the text after NFKC and separator removal.
 */
export type PlateTextError =
	| { readonly kind: 'empty' }
	| { readonly kind: 'invalid-character'; readonly character: string; readonly index: number }
	| { readonly kind: 'too-long'; readonly length: number; readonly maxLength: typeof MAX_PLATE_LENGTH };

/** A plate split into the parts its format defines; `plate` is always the normalised whole. */
export type ParsedPlate =
	| {
			readonly country: 'in';
			readonly format: 'in-standard';
			readonly plate: string;
			readonly state: string;
			readonly rto: string;
			readonly series: string;
			readonly number: string;
	  }
	| {
			readonly country: 'in';
			readonly format: 'in-bharat';
			readonly plate: string;
			readonly year: string;
			readonly number: string;
			readonly series: string;
	  }
	| { readonly country: 'br'; readonly format: 'br-old' | 'br-mercosur'; readonly plate: string }
	| { readonly country: 'eu'; readonly format: 'eu'; readonly plate: string }
	| { readonly country: 'us'; readonly format: 'us'; readonly plate: string }
	| { readonly country: 'generic'; readonly format: 'generic'; readonly plate: string };

// Separators printed on plates or typed by people. NFKC has already folded their full-width
// and compatibility forms into these; the middle dot is printed on some US and EU plates.
const SEPARATORS = /[\s.\-·\u2010-\u2015\u2212]/gu;

/**
 * The one normalised form of a plate: NFKC (so full-width `ＫＡ０１` reads as `KA01`), separators
 * (white space including line breaks of two-line plates, dots, dashes, middle dots) removed,
 * upper-case A–Z and 0–9 only, at most {@link MAX_PLATE_LENGTH} characters.
 * Letters outside ASCII (`Ä`, Cyrillic look-alikes) are refused rather than guessed at.
 * @example normalisePlate(' ka-01 ab 1234 ') // { ok: true, value: 'KA01AB1234' }
 */
export function normalisePlate(raw: string): Result<string, PlateTextError> {
	const compact = raw.normalize('NFKC').replace(SEPARATORS, '');
	if (compact.length === 0) return err({ kind: 'empty' });
	const bad = /[^A-Za-z0-9]/u.exec(compact);
	if (bad !== null) {
		// Code point, not UTF-16 unit, so an emoji is reported whole.
		const character = String.fromCodePoint(compact.codePointAt(bad.index) ?? 0xfffd);
		return err({ kind: 'invalid-character', character, index: bad.index });
	}
	if (compact.length > MAX_PLATE_LENGTH) {
		return err({ kind: 'too-long', length: compact.length, maxLength: MAX_PLATE_LENGTH });
	}
	return ok(compact.toUpperCase());
}

// State, RTO (1–2 digits), series (0–3 letters), number (1–4 digits). Without a series the
// split is ambiguous (KA1234: RTO 12 or 1?); the two-digit RTO is tried first as the common form.
const INDIAN_STANDARD = [
	/^([A-Z]{2})(\d{2})([A-Z]{0,3})(\d{1,4})$/,
	/^([A-Z]{2})(\d)([A-Z]{0,3})(\d{1,4})$/
] as const;
// Bharat series since 2021: year of registration, BH, 4 digits, 1–2 letters.
const INDIAN_BHARAT = /^(\d{2})BH(\d{4})([A-Z]{1,2})$/;
const BRAZIL_OLD = /^[A-Z]{3}\d{4}$/;
const BRAZIL_MERCOSUR = /^[A-Z]{3}\d[A-Z]\d{2}$/;
// European national formats differ too much to encode one by one; what they share is 2–10
// characters with at least one digit. Spanish (1234BCD), Dutch (12ABC3) and Belgian (1ABC234)
// plates start with digits, so a letters-first rule would reject real plates.
const EUROPEAN = /^(?=[A-Z]*\d)[A-Z0-9]{2,10}$/;
// US plates vary by state and vanity plates may be all letters.
const UNITED_STATES = /^[A-Z0-9]{2,8}$/;
const GENERIC = /^[A-Z0-9]{2,12}$/;

const isAllZeros = (digits: string): boolean => /^0+$/.test(digits);

/**
 * Parses `text` (normalised first) as a plate of `country`.
 * @returns the plate's parts, or null when the text is not a plate of that country
 * @example parsePlate('DL 3C AB 1234', 'in')
 * // { country: 'in', format: 'in-standard', plate: 'DL3CAB1234',
 * //   state: 'DL', rto: '3', series: 'CAB', number: '1234' }
 */
export function parsePlate(text: string, country: PlateCountry): ParsedPlate | null {
	const normalised = normalisePlate(text);
	if (!normalised.ok) return null;
	const plate = normalised.value;
	switch (country) {
		case 'in':
			return parseIndian(plate);
		case 'br':
			if (BRAZIL_OLD.test(plate)) return { country, format: 'br-old', plate };
			if (BRAZIL_MERCOSUR.test(plate)) return { country, format: 'br-mercosur', plate };
			return null;
		case 'eu':
			return EUROPEAN.test(plate) ? { country, format: 'eu', plate } : null;
		case 'us':
			return UNITED_STATES.test(plate) ? { country, format: 'us', plate } : null;
		case 'generic':
			return GENERIC.test(plate) ? { country, format: 'generic', plate } : null;
	}
}

function parseIndian(plate: string): ParsedPlate | null {
	const bharat = INDIAN_BHARAT.exec(plate);
	if (bharat !== null) {
		const [, year = '', number = '', series = ''] = bharat;
		// The scheme began in 2021; series letters skip I and O as in the rest of India's
		// allocation rules, and 0000 is never issued.
		if (Number(year) < 21 || isAllZeros(number) || /[IO]/.test(series)) return null;
		return { country: 'in', format: 'in-bharat', plate, year, number, series };
	}
	for (const pattern of INDIAN_STANDARD) {
		const [, state = '', rto = '', series = '', number = ''] = pattern.exec(plate) ?? [];
		// RTO 00 and number 0000 are never issued; refusing them lets OCR correction rule out
		// forms. KA120 fails as RTO 12 + number 0 but is fine as RTO 1 + number 20.
		if (INDIAN_STATE_CODES.has(state) && !isAllZeros(rto) && !isAllZeros(number)) {
			return { country: 'in', format: 'in-standard', plate, state, rto, series, number };
		}
	}
	return null;
}

/**
 * True when `text` (normalised first) is a plate of `country`.
 * @example isValidPlate('22 BH 1234 AA', 'in') // true
 */
export function isValidPlate(text: string, country: PlateCountry): boolean {
	return parsePlate(text, country) !== null;
}
