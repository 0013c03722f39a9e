import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseReaderContract } from './contract.ts';
import { decodeReading } from './read.ts';
import { readerJson } from './test-support.ts';

const contract = parseReaderContract(readerJson());
const VOCAB = contract.vocab;
const K = VOCAB.length;
const STEPS = contract.steps;

/**
 * Reader output for plates given step by step: `steps` is a string with one class per step
 * (`_` the blank, padded with blanks to the contract's length), `p` the probability of that class
 * per step (the rest of the mass on `alt`, or spread evenly).
 */
function probs(plates: { steps: string; p?: number[]; alt?: (string | undefined)[] }[]): Float32Array {
	const out = new Float32Array(plates.length * STEPS * K);
	plates.forEach(({ steps, p = [], alt = [] }, n) => {
		for (let t = 0; t < STEPS; t++) {
			const ch = steps[t] ?? '_';
			const main = p[t] ?? (ch === '_' ? 0.99 : 0.9);
			const row = out.subarray((n * STEPS + t) * K, (n * STEPS + t + 1) * K);
			const second = alt[t];
			if (second !== undefined) row[VOCAB.indexOf(second)] = 1 - main;
			else row.fill((1 - main) / (K - 1));
			row[VOCAB.indexOf(ch)] = main;
		}
	});
	return out;
}

describe('decodeReading (CTC greedy)', () => {
	test('runs collapse, blanks drop, a blank separates a repeated character', () => {
		const r = decodeReading(probs([{ steps: '_KKA_0_00_1_AAB__1_2_33_4' }]), 0, contract);
		expect(r.text).toBe('KA001AB1234');
	});

	test("a character's confidence is the best step of its run; the plate's is the lowest character", () => {
		const r = decodeReading(probs([{ steps: '_MMH_1', p: [0.99, 0.6, 0.8, 0.7, 0.99, 0.5] }]), 0, contract);
		expect(r.text).toBe('MH1');
		expect(r.chars.map((c) => +c.confidence.toFixed(2))).toEqual([0.8, 0.7, 0.5]);
		expect(r.confidence).toBeCloseTo(0.5, 6);
	});

	test('candidates come from the surest step: the read character first, then the next best, never the blank', () => {
		const r = decodeReading(
			probs([{ steps: 'KA0II', p: [0.9, 0.9, 0.9, 0.4, 0.55], alt: [undefined, undefined, undefined, '_', '1'] }]),
			0,
			contract
		);
		expect(r.text).toBe('KA0I');
		expect(r.chars[3]?.candidates.slice(0, 2).map((c) => [c.char, +c.probability.toFixed(2)])).toEqual([
			['I', 0.55],
			['1', 0.45]
		]);
		expect(r.chars.every((c) => c.candidates.length === 3 && c.candidates.every((x) => x.char !== '_'))).toBe(true);
	});

	test('two-line plates: the top line\'s steps come first, then the bottom line\'s', () => {
		const half = STEPS / 2;
		const top = 'K_A_0_1'.padEnd(half, '_');
		const r = decodeReading(probs([{ steps: top + 'A_B_1_2_3_4' }]), 0, contract);
		expect(r.text).toBe('KA01AB1234');
	});

	test("a line's last character and the next line's first stay two characters, even with no blank between", () => {
		const half = STEPS / 2;
		const top = 'M_H_1_2'.padStart(half, '_');
		const r = decodeReading(probs([{ steps: top + '2_3_4_5' }]), 0, contract);
		expect(r.text).toBe('MH122345');
	});

	test('a blank step still holding another character lowers the plate confidence: a skipped character', () => {
		// `KL13TG`: the faint T's step read as blank (0.55, the T 0.45), every character read at 0.95
		const r = decodeReading(probs([{ steps: 'K_L_1_3__G', p: [0.95, 0.99, 0.95, 0.99, 0.95, 0.99, 0.95, 0.99, 0.55, 0.95], alt: [, , , , , , , , 'T'] }]), 0, contract);
		expect(r.text).toBe('KL13G');
		expect(Math.min(...r.chars.map((c) => c.confidence))).toBeGreaterThan(0.9);
		expect(r.confidence).toBeCloseTo(0.55, 5); // 1 − the T's 0.45
	});

	test("a character's run fading into blank steps is not a skipped character", () => {
		// the blank steps around the 3 and the G hold 3 or G: their own runs, not another character
		const r = decodeReading(probs([{ steps: 'K_L_1_3__G_', p: [0.95, 0.99, 0.95, 0.99, 0.95, 0.99, 0.95, 0.55, 0.6, 0.95, 0.6], alt: [, , , , , , , '3', 'G', , 'G'] }]), 0, contract);
		expect(r.text).toBe('KL13G');
		expect(r.confidence).toBeCloseTo(0.95, 5);
	});

	test('property: the plate confidence is at most the lowest character confidence, and within 0–1', () => {
		fc.assert(
			fc.property(fc.array(fc.float({ min: Math.fround(0.01), max: Math.fround(0.99), noNaN: true }), { minLength: STEPS, maxLength: STEPS }), fc.string({ unit: fc.constantFrom('_', 'A', 'B', '1'), minLength: STEPS, maxLength: STEPS }), (p, steps) => {
				const r = decodeReading(probs([{ steps, p }]), 0, contract);
				expect(r.confidence).toBeGreaterThanOrEqual(0);
				expect(r.confidence).toBeLessThanOrEqual(r.chars.length === 0 ? 0 : Math.min(...r.chars.map((c) => c.confidence)));
			})
		);
	});

	test('all blank reads as nothing, with confidence 0', () => {
		expect(decodeReading(probs([{ steps: '' }]), 0, contract)).toMatchObject({ text: '', confidence: 0, chars: [] });
	});

	test('decodes each plate of a batch', () => {
		const batch = probs([{ steps: 'M_H_1_2' }, { steps: 'A_B_C_1_2_3_4' }]);
		expect([0, 1].map((i) => decodeReading(batch, i, contract).text)).toEqual(['MH12', 'ABC1234']);
		expect(() => decodeReading(batch, 2, contract)).toThrow(RangeError);
		expect(() => decodeReading(batch, -1, contract)).toThrow(RangeError);
	});

	test('float32 rounding above 1 is clamped (the plate rules insist on 0–1)', () => {
		const p = probs([{ steps: 'A', p: [1] }]);
		p[VOCAB.indexOf('A')] = 1.0000001;
		expect(decodeReading(p, 0, contract).chars[0]?.confidence).toBe(1);
	});

	test('property: any text written with a blank after each character reads back exactly', () => {
		const alphabet = VOCAB.slice(0, contract.blankIndex);
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: contract.maxChars }), fc.nat(8), (chars, lead) => {
				const text = chars.join('');
				const steps = '_'.repeat(lead) + chars.map((c) => c + '_').join('');
				const r = decodeReading(probs([{ steps }]), 0, contract);
				expect(r.text).toBe(text);
				expect(r.chars).toHaveLength(text.length);
			})
		);
	});
});
