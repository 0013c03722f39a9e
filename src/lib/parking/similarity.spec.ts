import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	CONFUSABLE_PAIRS,
	confusablesOf,
	EDIT_COST,
	findConfusableMatches,
	plateDistance,
	STRONG_CONFUSION_COST,
	substitutionCost,
	WEAK_CONFUSION_COST
} from './similarity.ts';
import { indianPlate, normalisedText } from './test-arbitraries.ts';

describe('substitutionCost', () => {
	test.each([
		['O', '0', STRONG_CONFUSION_COST],
		['0', 'O', STRONG_CONFUSION_COST],
		['I', '1', STRONG_CONFUSION_COST],
		['B', '8', STRONG_CONFUSION_COST],
		['S', '5', STRONG_CONFUSION_COST],
		['Z', '2', STRONG_CONFUSION_COST],
		['D', '0', STRONG_CONFUSION_COST],
		['G', '6', STRONG_CONFUSION_COST],
		['Q', '0', STRONG_CONFUSION_COST],
		['U', 'V', WEAK_CONFUSION_COST],
		['A', '4', WEAK_CONFUSION_COST],
		['T', '7', WEAK_CONFUSION_COST],
		['K', 'K', 0],
		['K', '7', EDIT_COST],
		['A', 'B', EDIT_COST]
	])('%s → %s costs %d', (from, to, cost) => {
		expect(substitutionCost(from, to)).toBe(cost);
	});

	test('every confusable pair is cheaper than an ordinary substitution, and listed once', () => {
		const seen = new Set<string>();
		for (const [a, b, cost] of CONFUSABLE_PAIRS) {
			expect(cost).toBeGreaterThan(0);
			expect(cost).toBeLessThan(EDIT_COST);
			const key = [a, b].sort().join('');
			expect(seen.has(key), `${a}/${b} listed twice`).toBe(false);
			seen.add(key);
		}
	});

	test('confusablesOf lists the cheapest substitutions first', () => {
		expect(confusablesOf('0')).toEqual(['D', 'O', 'Q']);
		expect(confusablesOf('O')).toEqual(['0', 'D', 'Q']);
		expect(confusablesOf('W')).toEqual([]);
	});
});

describe('plateDistance', () => {
	test.each([
		['KA01AB1234', 'KA01AB1234', 0],
		['KA01AB1234', 'KA0IAB1234', 0.25], // I/1
		['KA01AB1234', 'KAO1A81234', 0.5], // O/0 and B/8
		['KA01AB1234', 'K401AB1234', 0.5], // A/4
		['KA01AB1234', 'KA01AB1235', 1], // an ordinary misread
		['KA01AB1234', 'KA01AB123', 1], // a dropped character
		['KA01AB1234', 'KA01AAB1234', 1], // an extra character
		['KA01AB1234', 'MH12CD5678', 10],
		['', 'ABC', 3]
	])('%s ↔ %s = %d', (a, b, distance) => {
		expect(plateDistance(a, b)).toBe(distance);
		expect(plateDistance(b, a)).toBe(distance);
	});

	test('is symmetric, zero only for equal texts, and bounded by the lengths', () => {
		fc.assert(
			fc.property(normalisedText, normalisedText, (a, b) => {
				const distance = plateDistance(a, b);
				expect(plateDistance(b, a)).toBe(distance);
				expect(distance === 0).toBe(a === b);
				expect(distance).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
				expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
			})
		);
	});

	test('one confusable substitution costs less than one arbitrary edit', () => {
		fc.assert(
			fc.property(indianPlate, fc.nat(), fc.nat(), (plate, at, pick) => {
				const index = at % plate.length;
				const twins = confusablesOf(plate[index] ?? '');
				fc.pre(twins.length > 0);
				const misread = plate.slice(0, index) + twins[pick % twins.length] + plate.slice(index + 1);
				expect(plateDistance(plate, misread)).toBeLessThan(EDIT_COST);
			})
		);
	});
});

describe('findConfusableMatches', () => {
	const open = ['MH12AB1234', 'KA01AB1234', 'KA01AB1284', 'ka 01 ab 1235', 'not a plate!'];

	test.each([
		{ read: 'KA01AB1234', expected: [{ index: 1, plate: 'KA01AB1234', cost: 0 }], why: 'an exact match wins alone' },
		{ read: 'KA 01 AB 1235', expected: [{ index: 3, plate: 'KA01AB1235', cost: 0 }], why: 'both sides are normalised' },
		{
			read: 'KA01A81234',
			expected: [
				{ index: 1, plate: 'KA01AB1234', cost: 0.25 },
				{ index: 2, plate: 'KA01AB1284', cost: 0.75 }
			],
			why: 'confusable substitutions rank before ordinary ones'
		},
		{
			read: 'KA01AB123',
			expected: [
				{ index: 1, plate: 'KA01AB1234', cost: 1 },
				{ index: 3, plate: 'KA01AB1235', cost: 1 }
			],
			why: 'ties keep the order given'
		},
		{ read: 'DL3CAB9999', expected: [], why: 'nothing within the default cost' },
		{ read: '@@@', expected: [], why: 'an unreadable read matches nothing' }
	])('$why', ({ read, expected }) => {
		expect(findConfusableMatches(read, open)).toEqual(expected);
	});

	test('maxCost narrows the candidates', () => {
		expect(findConfusableMatches('KA01A81234', open, { maxCost: 0.5 }).map((m) => m.plate)).toEqual(['KA01AB1234']);
		expect(findConfusableMatches('KA01A81234', open, { maxCost: 0 })).toEqual([]);
		expect(() => findConfusableMatches('KA01', open, { maxCost: -1 })).toThrow(RangeError);
	});

	test('never pairs a read with another plate when its own plate is among the candidates', () => {
		fc.assert(
			fc.property(indianPlate, fc.array(indianPlate, { maxLength: 8 }), fc.nat(), (plate, others, at) => {
				const candidates = [...others];
				candidates.splice(at % (others.length + 1), 0, plate);
				const matches = findConfusableMatches(plate, candidates, { maxCost: 100 });
				expect(matches.length).toBeGreaterThan(0);
				for (const match of matches) {
					expect(match).toMatchObject({ plate, cost: 0 });
					expect(candidates[match.index]).toBe(plate);
				}
			})
		);
	});

	test('ranks cheapest first within maxCost, with indexes into the input', () => {
		const candidates = fc.array(normalisedText, { maxLength: 10 });
		fc.assert(
			fc.property(normalisedText, candidates, fc.constantFrom(0.5, 1, 2), (read, candidates, maxCost) => {
				const matches = findConfusableMatches(read, candidates, { maxCost });
				matches.forEach((match, i) => {
					expect(match.cost).toBeLessThanOrEqual(maxCost);
					expect(match.cost).toBe(plateDistance(read, candidates[match.index] ?? ''));
					const next = matches[i + 1];
					if (next !== undefined) expect(next.cost).toBeGreaterThanOrEqual(match.cost);
				});
			})
		);
	});
});
