import fc from 'fast-check';
import { expect, test } from 'vitest';
import { plateDistance } from '../similarity.ts';
import { normalisedText } from '../test-arbitraries.ts';
import { bagDistance, mayBeWithin } from './nearby.ts';

test.each([
	['KA01AB1234', 'KA01AB1234', 0],
	['KA01AB1234', 'KA01A81234', 2],
	['KA01AB1234', 'KA01AB123', 1],
	['ABC', 'XYZ', 6]
])('bagDistance(%s, %s) = %d', (a, b, distance) => {
	expect(bagDistance(a, b)).toBe(distance);
	expect(bagDistance(b, a)).toBe(distance);
});

test('never rules out a plate within maxCost', () => {
	// Near pairs are rare among random texts: derive b from a by up to two edits too.
	const edited = normalisedText.chain((a) =>
		fc.tuple(
			fc.constant(a),
			fc.oneof(
				normalisedText,
				fc
					.tuple(fc.nat(), fc.constantFrom('0', 'O', '8', 'B', ''))
					.map(([at, c]) => a.slice(0, at % (a.length + 1)) + c + a.slice((at % (a.length + 1)) + 1))
			)
		)
	);
	fc.assert(
		fc.property(edited, fc.constantFrom(0.25, 0.5, 1, 2), ([a, b], maxCost) => {
			if (plateDistance(a, b) <= maxCost) expect(mayBeWithin(a, b, maxCost)).toBe(true);
		}),
		{ numRuns: 2000 }
	);
});

test('rules out most unrelated plates', () => {
	expect(mayBeWithin('KA01AB1234', 'MH12CD5678', 1)).toBe(false);
	expect(mayBeWithin('KA01AB1234', 'KA01AB12345', 1)).toBe(true);
	expect(mayBeWithin('KA01AB1234', 'KA01AB123456', 1)).toBe(false);
});
