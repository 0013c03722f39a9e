import { describe, expect, test } from 'vitest';
import { applyPlateFormat } from './plate-format.ts';
import type { Reading } from './read.ts';

/** A reading whose characters have the given confidence and optional runner-up. */
function reading(text: string, conf: number[] = [], alts: Record<number, [string, number]> = {}): Reading {
	const chars = [...text].map((char, i) => {
		const confidence = conf[i] ?? 0.9;
		const alt = alts[i];
		return { char, confidence, candidates: [{ char, probability: confidence }, ...(alt ? [{ char: alt[0], probability: alt[1] }] : [])] };
	});
	return { text, confidence: Math.min(0.95, ...chars.map((c) => c.confidence)), chars };
}

describe('applyPlateFormat', () => {
	test('fixes a confusable where the format demands a digit, at the reader’s own probability', () => {
		const r = applyPlateFormat(reading('KA0IAB1234', [], { 3: ['1', 0.3] }), 'in');
		expect(r).toMatchObject({ text: 'KA01AB1234', raw: 'KA0IAB1234', corrected: true, valid: true, country: 'in' });
		expect(r.charConfidences[3]).toBe(0.3);
		expect(r.confidence).toBe(0.3);
	});

	test('leaves a valid read alone, even with a confusable runner-up', () => {
		const r = applyPlateFormat(reading('KA01AB1234', [], { 9: ['A', 0.4] }), 'in');
		expect(r).toMatchObject({ text: 'KA01AB1234', corrected: false, valid: true, country: 'in' });
	});

	test('does not invent a character the reader never considered', () => {
		// No alternative for I: the in format cannot be reached, so the read stays as it was.
		const r = applyPlateFormat(reading('KA0IAB1234'), 'in');
		expect(r).toMatchObject({ text: 'KA0IAB1234', corrected: false, valid: false, country: null });
	});

	test('Brazil: the Mercosur letter position is kept a letter', () => {
		expect(applyPlateFormat(reading('ABC1D23'), 'br')).toMatchObject({ text: 'ABC1D23', valid: true });
		expect(applyPlateFormat(reading('A8C1234', [], { 1: ['B', 0.35] }), 'br')).toMatchObject({ text: 'ABC1234', corrected: true });
	});

	test('auto never corrects and names the strictest country whose format fits', () => {
		expect(applyPlateFormat(reading('KA01AB1234'), 'auto')).toMatchObject({ country: 'in', valid: true, corrected: false });
		expect(applyPlateFormat(reading('ABC1D23'), 'auto')).toMatchObject({ country: 'br', valid: true });
		expect(applyPlateFormat(reading('B1234XY'), 'auto')).toMatchObject({ country: 'eu', valid: true });
		expect(applyPlateFormat(reading('ABCDEF'), 'auto')).toMatchObject({ country: 'us', valid: true });
		expect(applyPlateFormat(reading('KA0IAB1234', [], { 3: ['1', 0.3] }), 'auto')).toMatchObject({ text: 'KA0IAB1234', corrected: false });
	});

	test('an empty read is not a plate', () => {
		expect(applyPlateFormat(reading(''), 'in')).toMatchObject({ text: '', valid: false, country: null });
		expect(applyPlateFormat(reading(''), 'auto')).toMatchObject({ text: '', valid: false, country: null });
	});
});
