import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { countSegments, isGsm7 } from './segments.ts';

describe('countSegments', () => {
	test.each<[string, string, number, number]>([
		['', 'GSM-7', 0, 1],
		['Paid', 'GSM-7', 4, 1],
		['x'.repeat(160), 'GSM-7', 160, 1],
		['x'.repeat(161), 'GSM-7', 161, 2],
		['x'.repeat(306), 'GSM-7', 306, 2],
		['x'.repeat(307), 'GSM-7', 307, 3],
		['€'.repeat(80), 'GSM-7', 160, 1], // extension characters take two septets
		['{'.repeat(81), 'GSM-7', 162, 2],
		['₹'.repeat(70), 'UCS-2', 70, 1],
		['₹' + 'x'.repeat(70), 'UCS-2', 71, 2],
		['₹' + 'x'.repeat(133), 'UCS-2', 134, 2],
		['₹' + 'x'.repeat(134), 'UCS-2', 135, 3],
		['👍', 'UCS-2', 2, 1] // a surrogate pair is two code units
	])('%j → %s, %d units, %d segments', (text, encoding, units, segments) => {
		expect(countSegments(text)).toEqual({ encoding, units, segments });
	});

	test('one character outside GSM-7 turns the whole text to UCS-2', () => {
		expect(isGsm7('Forum Mall')).toBe(true);
		expect(isGsm7('फ़ोरम')).toBe(false);
		expect(isGsm7('₹50')).toBe(false);
	});

	test('appending never takes fewer segments', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 50 }), (a, b) => {
				expect(countSegments(a + b).segments).toBeGreaterThanOrEqual(countSegments(a).segments);
			})
		);
	});

	test('the segments hold the units: at most 153 septets or 67 code units each when split', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 800 }), (text) => {
				const { encoding, units, segments } = countSegments(text);
				const single = encoding === 'GSM-7' ? 160 : 70;
				const part = encoding === 'GSM-7' ? 153 : 67;
				if (segments === 1) expect(units).toBeLessThanOrEqual(single);
				else expect(units).toBeGreaterThan(single), expect(units).toBeLessThanOrEqual(segments * part), expect(units).toBeGreaterThan((segments - 1) * part);
			})
		);
	});
});
