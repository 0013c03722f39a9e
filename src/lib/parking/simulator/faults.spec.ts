import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isValidPlate, normalisePlate } from '../plates.ts';
import { confusablesOf, findConfusableMatches } from '../similarity.ts';
import { indianPlate } from '../test-arbitraries.ts';
import {
	DEFAULT_FAULT_RATES,
	NO_FAULTS,
	goodConfidence,
	misreadPlate,
	poorConfidence,
	resolveFaultRates,
	unreadableRead
} from './faults.ts';
import { createRandom } from './random.ts';

describe('resolveFaultRates', () => {
	test('overrides the defaults', () => {
		expect(resolveFaultRates()).toEqual(DEFAULT_FAULT_RATES);
		expect(resolveFaultRates({ 'long-stay': 0.2 })).toEqual({ ...DEFAULT_FAULT_RATES, 'long-stay': 0.2 });
		expect(resolveFaultRates(NO_FAULTS)).toEqual(NO_FAULTS);
	});

	test.each<[Record<string, number>, RegExp]>([
		[{ 'misread-exit': -0.1 }, /misread-exit/],
		[{ 'over-capacity': 1.1 }, /over-capacity/],
		[{ 'long-stay': Number.NaN }, /long-stay/],
		[{ 'missed-entry': 0.5, 'low-confidence': 0.6 }, /add up/]
	])('refuses %j', (rates, message) => {
		expect(() => resolveFaultRates(rates)).toThrow(message);
	});
});

describe('misreadPlate', () => {
	const context = (openPlates: string[], forbidden: string[] = []) => ({
		country: 'in' as const,
		openPlates,
		maxCost: 1,
		isForbidden: (plate: string) => forbidden.includes(plate)
	});

	test('one confusable character, still valid, confusable with exactly the true plate', () => {
		fc.assert(
			fc.property(indianPlate, fc.array(indianPlate, { maxLength: 30 }), fc.nat(), (raw, others, seed) => {
				const plate = (normalisePlate(raw) as { value: string }).value;
				const open = [...new Set([plate, ...others.map((o) => (normalisePlate(o) as { value: string }).value)])];
				const read = misreadPlate(plate, createRandom(seed), context(open));
				if (read === null) return;
				expect(isValidPlate(read, 'in')).toBe(true);
				expect(open).not.toContain(read);
				const changed = [...read].flatMap((c, i) => (c === plate[i] ? [] : [i]));
				expect(changed).toHaveLength(1);
				const at = changed[0] as number;
				expect(confusablesOf(plate[at] as string)).toContain(read[at]);
				expect(findConfusableMatches(read, open, { maxCost: 1 }).map((m) => m.plate)).toEqual([plate]);
			}),
			{ numRuns: 300 }
		);
	});

	test('gives up when every misread would be confusable with another open session too', () => {
		// KA01AB1234's misreads are one edit from KA01AB1234 and, each, from one of these.
		const plate = 'KA01AB1234';
		const random = createRandom(1);
		const read = misreadPlate(plate, random, context([plate]));
		expect(read).not.toBeNull();
		const crowd = [plate];
		// Every candidate misread turned into an open plate of its own leaves nothing.
		for (let i = 0; i < 200; i++) {
			const next = misreadPlate(plate, createRandom(i), context(crowd));
			if (next === null) break;
			crowd.push(next);
		}
		expect(misreadPlate(plate, random, context(crowd))).toBeNull();
	});

	test('never reads another real plate', () => {
		const plate = 'KA01AB1234';
		const everyMisread = new Set<string>();
		for (let i = 0; i < 200; i++) everyMisread.add(misreadPlate(plate, createRandom(i), context([plate])) ?? '');
		expect(misreadPlate(plate, createRandom(1), context([plate], [...everyMisread]))).toBeNull();
	});

	test('a plate with no confusable character cannot be misread', () => {
		expect(misreadPlate('HW99HW9999', createRandom(1), context(['HW99HW9999']))).toBeNull();
	});
});

describe('reads', () => {
	test('an unreadable read never normalises', () => {
		fc.assert(
			fc.property(indianPlate, fc.nat(), (plate, seed) => {
				expect(normalisePlate(unreadableRead(plate, createRandom(seed))).ok).toBe(false);
			})
		);
	});

	test('good reads sit above the threshold, poor ones below', () => {
		fc.assert(
			fc.property(fc.double({ min: 0.02, max: 0.97, noNaN: true }), fc.nat(), (threshold, seed) => {
				const random = createRandom(seed);
				for (let i = 0; i < 20; i++) {
					const good = goodConfidence(random, threshold);
					const poor = poorConfidence(random, threshold);
					expect(good).toBeGreaterThanOrEqual(threshold);
					expect(good).toBeLessThanOrEqual(0.999);
					expect(poor).toBeLessThan(threshold);
					expect(poor).toBeGreaterThanOrEqual(0);
				}
			})
		);
		expect(() => goodConfidence(createRandom(1), 0.99)).toThrow(RangeError);
		expect(() => poorConfidence(createRandom(1), 0)).toThrow(RangeError);
	});
});
