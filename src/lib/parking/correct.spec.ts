import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { correctToFormat, type CharCandidate } from './correct.ts';
import { isValidPlate, PLATE_COUNTRIES, type PlateCountry } from './plates.ts';
import { confusablesOf } from './similarity.ts';
import { validPlate } from './test-arbitraries.ts';

describe('correctToFormat without reader probabilities', () => {
	test.each<[string, PlateCountry, string, string]>([
		['KA0IAB1234', 'in', 'KA01AB1234', 'RTO needs digits: I → 1'],
		['K401AB1234', 'in', 'KA01AB1234', 'state code needs letters: 4 → A'],
		['KA01AB12B4', 'in', 'KA01AB1284', 'number needs digits: B → 8'],
		['KA01A81234', 'in', 'KA01AB1234', 'five digits cannot follow the series: 8 → B'],
		['WB0ZAA7968', 'in', 'WB02AA7968', 'Z → 2'],
		['KA0SKP7826', 'in', 'KA05KP7826', 'S → 5'],
		['MH0LAE5663', 'in', 'MH01AE5663', 'L → 1'],
		['NH12AB1234', 'in', 'MH12AB1234', 'NH is no state code; MH is one confusion away'],
		['KAOIAB1234', 'in', 'KA01AB1234', 'two substitutions'],
		['22BH1Z34AA', 'in', '22BH1234AA', 'Bharat number needs digits'],
		['A8C1234', 'br', 'ABC1234', 'old Brazilian letters'],
		['ABCI234', 'br', 'ABC1234', 'I → 1 after the three letters'],
		['ABC1D2S', 'br', 'ABC1D25', 'Mercosur last two are digits']
	])('%s (%s) → %s: %s', (read, country, text) => {
		const correction = correctToFormat(read, country);
		expect(correction).toMatchObject({ status: 'corrected', text, changed: true, valid: true });
		expect(isValidPlate(correction.text, country)).toBe(true);
	});

	test('reports each substitution with its position in the normalised read', () => {
		expect(correctToFormat('ka 0i ab 1234', 'in').substitutions).toEqual([{ index: 3, from: 'I', to: '1' }]);
	});

	test.each<[string, PlateCountry, string]>([
		['KA01AB1234', 'in', 'KA01AB1234'],
		['ka-01-ab-1234', 'in', 'KA01AB1234'],
		['KA01ABI234', 'in', 'KA01ABI234'], // valid as series ABI + 234, though maybe a misread: left alone
		['ABC1O23', 'br', 'ABC1O23'], // Mercosur allows a letter there
		['0BC1234', 'us', '0BC1234'],
		['O0O0', 'generic', 'O0O0']
	])('leaves the valid %s (%s) alone', (read, country, text) => {
		expect(correctToFormat(read, country)).toEqual({
			status: 'valid',
			text,
			changed: false,
			valid: true,
			substitutions: [],
			alternatives: []
		});
	});

	test('does not guess between equally good corrections', () => {
		expect(correctToFormat('0BC1234', 'br')).toEqual({
			status: 'ambiguous',
			text: '0BC1234',
			changed: false,
			valid: false,
			substitutions: [],
			alternatives: ['DBC1234', 'OBC1234', 'QBC1234']
		});
	});

	test.each<[string, PlateCountry, string]>([
		['ABC12345', 'br', 'too long for any Brazilian format'],
		['XY01AB1234', 'in', 'no state code within reach'],
		['KAOIABI2B4', 'in', 'needs more than two substitutions'],
		['WXYWXY', 'eu', 'no character here has a digit twin']
	])('leaves %s (%s) unchanged and invalid: %s', (read, country) => {
		const correction = correctToFormat(read, country);
		expect(correction).toMatchObject({ status: 'uncorrectable', text: read, changed: false, valid: false });
	});

	test('maxSubstitutions bounds the search', () => {
		// The fewest substitutions win: series ABI is valid, so the second I stays a letter.
		expect(correctToFormat('KAOIABI2B4', 'in', undefined, { maxSubstitutions: 3 })).toMatchObject({
			status: 'corrected',
			text: 'KA01ABI284'
		});
		expect(correctToFormat('KA0IAB1234', 'in', undefined, { maxSubstitutions: 0 }).status).toBe('uncorrectable');
		expect(() => correctToFormat('KA0IAB1234', 'in', undefined, { maxSubstitutions: 5 })).toThrow(RangeError);
		expect(() => correctToFormat('KA0IAB1234', 'in', undefined, { maxSubstitutions: 1.5 })).toThrow(RangeError);
	});

	test('returns an unreadable read as it came', () => {
		const correction = correctToFormat('K@01', 'in');
		expect(correction).toMatchObject({ status: 'unreadable', text: 'K@01', valid: false, changed: false });
	});
});

describe('correctToFormat with reader probabilities', () => {
	const certain = (text: string): CharCandidate[][] => [...text].map((char) => [{ char, probability: 0.99 }]);
	const withAlternatives = (text: string, at: number, candidates: CharCandidate[]) => {
		const perChar = certain(text);
		perChar[at] = candidates;
		return perChar;
	};

	test('picks the alternative the reader found most likely', () => {
		const perChar = withAlternatives('0BC1234', 0, [
			{ char: '0', probability: 0.5 },
			{ char: 'D', probability: 0.15 },
			{ char: 'O', probability: 0.35 }
		]);
		expect(correctToFormat('0BC1234', 'br', perChar)).toMatchObject({ status: 'corrected', text: 'OBC1234' });
	});

	test('uses the reader alternatives instead of the confusion table', () => {
		// H has no confusable twin, but the reader hesitated between H and M.
		const perChar = withAlternatives('HH12AB1234', 0, [
			{ char: 'H', probability: 0.6 },
			{ char: 'M', probability: 0.4 }
		]);
		expect(correctToFormat('HH12AB1234', 'in', perChar)).toMatchObject({ status: 'corrected', text: 'MH12AB1234' });
		// A reader sure of every character leaves nothing to correct.
		expect(correctToFormat('KA0IAB1234', 'in', certain('KA0IAB1234')).status).toBe('uncorrectable');
	});

	test('prefers two likely substitutions over one unlikely one', () => {
		// ABC12D4 fits no Brazilian layout. D → 0 gives the old ABC1204 (one substitution);
		// 2 → Z and D → 0 give the Mercosur ABC1Z04 (two), which this reader finds more likely.
		expect(correctToFormat('ABC12D4', 'br')).toMatchObject({ status: 'corrected', text: 'ABC1204' });
		const perChar = certain('ABC12D4');
		perChar[4] = [
			{ char: '2', probability: 0.4 },
			{ char: 'Z', probability: 0.6 }
		];
		perChar[5] = [
			{ char: 'D', probability: 0.5 },
			{ char: '0', probability: 0.5 }
		];
		expect(correctToFormat('ABC12D4', 'br', perChar)).toMatchObject({
			status: 'corrected',
			text: 'ABC1Z04',
			substitutions: [
				{ index: 4, from: '2', to: 'Z' },
				{ index: 5, from: 'D', to: '0' }
			]
		});
	});

	test("tries only the reader's most probable alternatives, so a whole softmax stays cheap", () => {
		const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
		const softmax = (top: string, second: string) =>
			alphabet.map((char) => ({ char, probability: char === top ? 0.6 : char === second ? 0.3 : 0.1 / 34 }));
		const read = 'KAOIABI2B4';
		const perChar = [...read].map((char) => softmax(char, confusablesOf(char)[0] ?? 'X'));
		const started = performance.now();
		const correction = correctToFormat(read, 'in', perChar, { maxSubstitutions: 4 });
		expect(performance.now() - started).toBeLessThan(2000);
		expect(correction).toMatchObject({ status: 'corrected', text: 'KA01ABI284' });
	});

	test('equal probabilities are a tie, not a coin toss', () => {
		const perChar = withAlternatives('0BC1234', 0, [
			{ char: '0', probability: 0.4 },
			{ char: 'O', probability: 0.3 },
			{ char: 'D', probability: 0.3 }
		]);
		expect(correctToFormat('0BC1234', 'br', perChar)).toMatchObject({
			status: 'ambiguous',
			text: '0BC1234',
			alternatives: ['DBC1234', 'OBC1234']
		});
	});

	test.each([
		{ why: 'too few positions', perChar: [[{ char: 'K', probability: 1 }]] },
		{ why: 'read character missing', perChar: withAlternatives('KA01AB1234', 2, [{ char: 'O', probability: 1 }]) },
		{ why: 'probability above 1', perChar: withAlternatives('KA01AB1234', 2, [{ char: '0', probability: 1.2 }]) },
		{ why: 'probability NaN', perChar: withAlternatives('KA01AB1234', 2, [{ char: '0', probability: Number.NaN }]) },
		{
			why: 'lower-case candidate',
			perChar: withAlternatives('KA01AB1234', 2, [
				{ char: '0', probability: 0.5 },
				{ char: 'o', probability: 0.5 }
			])
		}
	])('refuses candidates that do not line up with the read: $why', ({ perChar }) => {
		expect(() => correctToFormat('KA01AB1234', 'in', perChar)).toThrow(RangeError);
	});
});

describe('correctToFormat laws', () => {
	test.each(PLATE_COUNTRIES)('%s: a valid plate is never changed', (country) => {
		fc.assert(
			fc.property(validPlate[country], (plate) => {
				expect(correctToFormat(plate, country)).toMatchObject({ status: 'valid', text: plate, changed: false });
			})
		);
	});

	test.each(['in', 'br'] as const)('%s: one confusable misread is recovered, or the tie reported', (country) => {
		fc.assert(
			fc.property(validPlate[country], fc.nat(), fc.nat(), (plate, at, pick) => {
				const index = at % plate.length;
				const twins = confusablesOf(plate[index] ?? '');
				fc.pre(twins.length > 0);
				const misread = plate.slice(0, index) + twins[pick % twins.length] + plate.slice(index + 1);
				const correction = correctToFormat(misread, country);
				if (isValidPlate(misread, country)) {
					expect(correction.status).toBe('valid');
				} else if (correction.status === 'corrected') {
					expect(correction.text).toBe(plate);
				} else {
					expect(correction.status).toBe('ambiguous');
					expect(correction.alternatives).toContain(plate);
				}
			})
		);
	});

	test('a correction is valid, substitutes only confusable twins, and is stable', () => {
		const read = fc.string({ unit: fc.constantFrom(...'KAMHDL0123456789OIBSZGQ8AB'), minLength: 6, maxLength: 11 });
		fc.assert(
			fc.property(read, fc.constantFrom<PlateCountry>('in', 'br'), (text, country) => {
				const correction = correctToFormat(text, country);
				expect(correction.valid).toBe(isValidPlate(correction.text, country));
				if (correction.status !== 'corrected') {
					expect(correction.text).toBe(text);
					return;
				}
				expect(correction.text.length).toBe(text.length);
				for (let i = 0; i < text.length; i++) {
					const substitution = correction.substitutions.find((s) => s.index === i);
					const expected = substitution === undefined ? text[i] : substitution.to;
					expect(correction.text[i]).toBe(expected);
					if (substitution !== undefined) expect(confusablesOf(substitution.from)).toContain(substitution.to);
				}
				expect(correctToFormat(correction.text, country).status).toBe('valid');
			})
		);
	});
});
