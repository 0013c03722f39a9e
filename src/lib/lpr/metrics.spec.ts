import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { acceptance, alignEdits, characterErrorRate, matchDetections, worstConfusions } from './metrics.ts';

describe('alignEdits', () => {
	test.each([
		['KA01AB1234', 'KA01AB1234', []],
		['KA01', 'KAO1', [{ truth: '0', read: 'O' }]],
		['KA01', 'KA1', [{ truth: '0', read: null }]],
		['KA01', 'KA011', [{ truth: null, read: '1' }]],
		['AB', '', [{ truth: 'A', read: null }, { truth: 'B', read: null }]]
	])('%s vs %s', (truth, read, edits) => expect(alignEdits(truth, read)).toEqual(edits));

	test('its length is the edit distance: symmetric, 0 only for equal texts, ≤ the longer length', () => {
		const text = fc.string({ unit: fc.constantFrom(...'AB01'), maxLength: 8 });
		fc.assert(
			fc.property(text, text, (a, b) => {
				const d = alignEdits(a, b).length;
				expect(d).toBe(alignEdits(b, a).length);
				expect(d === 0).toBe(a === b);
				expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
			})
		);
	});
});

test('acceptance counts reads at or above the threshold and the wrong ones among them', () => {
	const reads = [
		{ truth: 'KA01AB1234', read: 'KA01AB1234', confidence: 0.95 },
		{ truth: 'KL13TG8459', read: 'KL13G8459', confidence: 0.8 },
		{ truth: 'MH12', read: 'MH12', confidence: 0.79 },
		{ truth: 'MH13', read: 'MH18', confidence: 0.2 }
	];
	expect(acceptance(reads, 0.8)).toEqual({ reads: 4, accepted: 2, wrongAccepted: 1 });
	expect(acceptance(reads, 0)).toEqual({ reads: 4, accepted: 4, wrongAccepted: 2 });
	expect(acceptance([], 0.8)).toEqual({ reads: 0, accepted: 0, wrongAccepted: 0 });
});

test('characterErrorRate sums edits over truth characters', () => {
	expect(characterErrorRate([])).toBe(0);
	expect(characterErrorRate([{ truth: 'ABCD', read: 'ABCD' }, { truth: 'ABCD', read: 'A8C' }])).toBe(2 / 8);
});

test('worstConfusions counts edits, most frequent first, ∅ for a missing character', () => {
	const pairs = [
		{ truth: 'B8', read: '88' },
		{ truth: 'B1', read: '81' },
		{ truth: 'O0', read: '00' },
		{ truth: 'AB', read: 'A' }
	];
	expect(worstConfusions(pairs, 2)).toEqual([
		{ truth: 'B', read: '8', count: 2 },
		{ truth: 'B', read: '∅', count: 1 }
	]);
});

describe('matchDetections', () => {
	test('greedy by score, each truth used once, IoU ≥ 0.5', () => {
		const truths = [
			[0, 0, 10, 10],
			[100, 0, 10, 10]
		] as const;
		const dets = [
			{ box: [1, 0, 10, 10] as const, score: 0.6 },
			{ box: [0, 0, 10, 10] as const, score: 0.9 }, // takes truth 0 first
			{ box: [100, 0, 10, 4] as const, score: 0.8 } // IoU 0.4: a miss
		];
		expect(matchDetections(dets, truths)).toEqual({ truePositives: 1, detections: 3, truths: 2 });
		expect(matchDetections(dets, truths, 0.4)).toEqual({ truePositives: 2, detections: 3, truths: 2 });
		expect(matchDetections([], truths)).toEqual({ truePositives: 0, detections: 0, truths: 2 });
	});
});
