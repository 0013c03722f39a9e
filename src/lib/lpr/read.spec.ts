import { describe, expect, test } from 'vitest';
import { parseReaderContract } from './contract.ts';
import { decodeReading } from './read.ts';
import { readerJson } from './test-support.ts';

const contract = parseReaderContract(readerJson());
const VOCAB = contract.vocab;
const K = VOCAB.length;
const SLOTS = contract.maxSlots;

/**
 * Reader output for plates given slot by slot: a character with its probability (the rest of
 * the slot's mass on `alt`, or spread evenly), padding slots `_` at 0.99 unless given.
 */
function probs(plates: { slots: string; p?: number[]; alt?: (string | undefined)[] }[]): Float32Array {
	const out = new Float32Array(plates.length * SLOTS * K);
	plates.forEach(({ slots, p = [], alt = [] }, n) => {
		for (let s = 0; s < SLOTS; s++) {
			const ch = slots[s] ?? '_';
			const main = p[s] ?? (ch === '_' ? 0.99 : 0.9);
			const row = out.subarray((n * SLOTS + s) * K, (n * SLOTS + s + 1) * K);
			const second = alt[s];
			if (second !== undefined) {
				row[VOCAB.indexOf(second)] = 1 - main;
			} else {
				row.fill((1 - main) / (K - 1));
			}
			row[VOCAB.indexOf(ch)] = main;
		}
	});
	return out;
}

describe('decodeReading', () => {
	test('left-aligned text, padding dropped, confidence = lowest slot incl. padding', () => {
		const r = decodeReading(probs([{ slots: 'KA01AB1234', p: [0.9, 0.8, 0.95, 0.7, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.6] }]), 0, contract);
		expect(r.text).toBe('KA01AB1234');
		expect(r.chars.map((c) => +c.confidence.toFixed(2))).toEqual([0.9, 0.8, 0.95, 0.7, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);
		// The 11th slot (padding) at 0.6 is the least sure: where the plate ends is part of the read.
		expect(r.confidence).toBeCloseTo(0.6, 6);
		expect(r.gap).toBe(false);
	});

	test('candidates: the read character first, then the next best, never padding', () => {
		const r = decodeReading(probs([{ slots: 'KA0I', p: [0.9, 0.9, 0.9, 0.55], alt: [undefined, undefined, undefined, '1'] }]), 0, contract);
		expect(r.chars[3]?.candidates.slice(0, 2).map((c) => [c.char, +c.probability.toFixed(2)])).toEqual([
			['I', 0.55],
			['1', 0.45]
		]);
		expect(r.chars.every((c) => c.candidates.length === 3 && c.candidates.every((x) => x.char !== '_'))).toBe(true);
	});

	test('a padding slot before a character is a gap and lowers the confidence', () => {
		const r = decodeReading(probs([{ slots: 'AB_C', p: [0.9, 0.9, 0.8, 0.9] }]), 0, contract);
		expect(r.text).toBe('ABC');
		expect(r.gap).toBe(true);
		expect(r.confidence).toBeCloseTo(0.2, 6); // 1 − 0.8: how likely the gap held a character
	});

	test('all padding reads as nothing, with confidence 0', () => {
		expect(decodeReading(probs([{ slots: '' }]), 0, contract)).toMatchObject({ text: '', confidence: 0, chars: [] });
	});

	test('decodes each plate of a batch', () => {
		const batch = probs([{ slots: 'MH12' }, { slots: 'ABC1234' }]);
		expect([0, 1].map((i) => decodeReading(batch, i, contract).text)).toEqual(['MH12', 'ABC1234']);
		expect(() => decodeReading(batch, 2, contract)).toThrow(RangeError);
		expect(() => decodeReading(batch, -1, contract)).toThrow(RangeError);
	});

	test('float32 rounding above 1 is clamped (the plate rules insist on 0–1)', () => {
		const p = probs([{ slots: 'A', p: [1] }]);
		p[VOCAB.indexOf('A')] = 1.0000001;
		expect(decodeReading(p, 0, contract).chars[0]?.confidence).toBe(1);
	});
});
