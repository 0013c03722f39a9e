/**
 * Fuzzing the plate parser with what an OCR or a person can hand it: any Unicode (lone
 * surrogates, combining marks, full-width and look-alike letters, control characters), huge
 * strings, and near-plates with noise in them. It never throws, and what it returns is well
 * formed. Bounded in runs (fast-check's numRuns), not time.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_PLATE_LENGTH, normalisePlate, parsePlate, PLATE_COUNTRIES } from './plates.ts';

const noisy = fc.oneof(
	{ arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
	{ arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
	{ arbitrary: fc.string({ unit: fc.constantFrom(...'KA01AB1234 -.·\n\t\u00a0\u200b\u0301ＫＡ０１ΑΒΚМНОРСТХ\ud800\udfff\u0000\u202e'), maxLength: 30 }), weight: 3 },
	{ arbitrary: fc.constantFrom('', ' '.repeat(10_000), 'A'.repeat(1_000_000), '9'.repeat(100_000), '\ud800'.repeat(5000), 'K\u0301A\u0301'.repeat(2000)), weight: 1 }
);

describe('the plate parser under fuzzing', () => {
	test('normalisePlate never throws: a plate of A–Z0–9, or a reason that fits the input', () => {
		fc.assert(
			fc.property(noisy, (raw) => {
				const r = normalisePlate(raw);
				if (r.ok) {
					expect(r.value).toMatch(new RegExp(`^[A-Z0-9]{1,${MAX_PLATE_LENGTH}}$`));
					expect(normalisePlate(r.value)).toEqual(r);
				} else if (r.error.kind === 'invalid-character') {
					expect(r.error.index).toBeGreaterThanOrEqual(0);
					expect(r.error.character.length).toBeGreaterThan(0);
				} else {
					expect(['empty', 'too-long']).toContain(r.error.kind);
				}
			}),
			{ numRuns: 2_000 }
		);
	});

	test('parsePlate never throws for any country: null, or the normalised plate with its parts', () => {
		fc.assert(
			fc.property(noisy, fc.constantFrom(...PLATE_COUNTRIES), (raw, country) => {
				const parsed = parsePlate(raw, country);
				if (parsed === null) return;
				const n = normalisePlate(raw);
				expect(n.ok && n.value).toBe(parsed.plate);
				expect(parsed.country).toBe(country);
				expect(parsed.plate).toMatch(/^[A-Z0-9]{2,12}$/);
			}),
			{ numRuns: 2_000 }
		);
	});
});
