/**
 * fast-check generators shared by the parking specs. Test-only: nothing in `index.ts` imports it.
 */
import fc from 'fast-check';
import { INDIAN_STATE_CODES, type PlateCountry } from './plates.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

const letters = (min: number, max: number, alphabet = LETTERS) =>
	fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...DIGITS), minLength: min, maxLength: max });
const notAllZeros = (text: string) => /[1-9]/.test(text);

/** Indian registrations, both the state series and the Bharat series. */
export const indianPlate: fc.Arbitrary<string> = fc.oneof(
	fc
		.tuple(
			fc.constantFrom(...INDIAN_STATE_CODES),
			digits(1, 2).filter(notAllZeros),
			letters(0, 3),
			digits(1, 4).filter(notAllZeros)
		)
		.map((parts) => parts.join('')),
	fc
		.tuple(fc.integer({ min: 21, max: 99 }), digits(4, 4).filter(notAllZeros), letters(1, 2, 'ABCDEFGHJKLMNPQRSTUVWXYZ'))
		.map(([year, number, series]) => `${year}BH${number}${series}`)
);

/** Brazilian plates, old and Mercosur layout. */
export const brazilianPlate: fc.Arbitrary<string> = fc.oneof(
	fc.tuple(letters(3, 3), digits(4, 4)).map((parts) => parts.join('')),
	fc.tuple(letters(3, 3), digits(1, 1), letters(1, 1), digits(2, 2)).map((parts) => parts.join(''))
);

const alphanumeric = (min: number, max: number) => letters(min, max, LETTERS + DIGITS);

/** A valid plate for each country. */
export const validPlate: Record<PlateCountry, fc.Arbitrary<string>> = {
	in: indianPlate,
	br: brazilianPlate,
	eu: fc.tuple(alphanumeric(1, 9), digits(1, 1), fc.nat(9)).map(([text, digit, at]) => {
		const cut = at % (text.length + 1);
		return text.slice(0, cut) + digit + text.slice(cut);
	}),
	us: alphanumeric(2, 8),
	generic: alphanumeric(2, 12)
};

/** Any upper-case A–Z0–9 text of 1–12 characters: a normalised read, valid or not. */
export const normalisedText: fc.Arbitrary<string> = alphanumeric(1, 12);
