import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createRandom, type Random } from './random.ts';

const draws = (random: Random, n = 8): number[] => Array.from({ length: n }, () => random.nextUint32());
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const sample = (n: number, draw: () => number): number[] => Array.from({ length: n }, draw);
const median = (values: readonly number[]): number =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

describe('createRandom', () => {
	test('the same seed gives the same stream, another seed another', () => {
		fc.assert(
			fc.property(fc.maxSafeInteger(), (seed) => {
				expect(draws(createRandom(seed))).toEqual(draws(createRandom(seed)));
				const neighbour = seed === Number.MIN_SAFE_INTEGER ? seed + 1 : seed - 1;
				expect(draws(createRandom(seed))).not.toEqual(draws(createRandom(neighbour)));
			})
		);
	});

	test('seeds above 2³² use their high half', () => {
		expect(draws(createRandom(2 ** 32 + 5))).not.toEqual(draws(createRandom(5)));
	});

	test.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses seed %s', (seed) => {
		expect(() => createRandom(seed)).toThrow(RangeError);
	});

	test('next is within [0, 1) and uniform enough', () => {
		const random = createRandom(1);
		const values = sample(20_000, () => random.next());
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThan(1);
		expect(mean(values)).toBeCloseTo(0.5, 1.5);
		const deciles = Array.from({ length: 10 }, (_, d) => values.filter((v) => Math.floor(v * 10) === d).length);
		for (const count of deciles) expect(Math.abs(count - 2000)).toBeLessThan(4 * Math.sqrt(2000));
	});

	test('int stays within its inclusive bounds and reaches both', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -1000, max: 1000 }),
				fc.integer({ min: 0, max: 5 }),
				fc.nat(),
				(min, span, seed) => {
					const random = createRandom(seed);
					const values = sample(200, () => random.int(min, min + span));
					for (const value of values) {
						expect(Number.isInteger(value)).toBe(true);
						expect(value).toBeGreaterThanOrEqual(min);
						expect(value).toBeLessThanOrEqual(min + span);
					}
					expect(values).toContain(min);
					expect(values).toContain(min + span);
				}
			)
		);
	});

	test.each([
		[2, 1],
		[0.5, 2],
		[0, Number.NaN]
	])('int(%s, %s) throws', (min, max) => {
		expect(() => createRandom(1).int(min, max)).toThrow(RangeError);
	});

	test('fork depends on the seed and label only, not on draws made before', () => {
		const a = createRandom(9);
		const b = createRandom(9);
		draws(b, 100);
		expect(draws(a.fork('stays'))).toEqual(draws(b.fork('stays')));
		expect(draws(a.fork('stays'))).not.toEqual(draws(a.fork('faults')));
		expect(draws(a.fork('x').fork('x'))).not.toEqual(draws(createRandom(9)));
	});

	test('weighted picks in proportion and never a zero weight', () => {
		const random = createRandom(3);
		const picks = sample(10_000, () =>
			random.weighted([
				['a', 1],
				['b', 3],
				['never', 0]
			] as const) === 'a'
				? 1
				: 0
		);
		expect(mean(picks)).toBeGreaterThan(0.23);
		expect(mean(picks)).toBeLessThan(0.27);
		for (let i = 0; i < 1000; i++)
			expect(
				random.weighted([
					['never', 0],
					['always', 2]
				] as const)
			).toBe('always');
	});

	test.each([
		[[]],
		[[['a', 0]]],
		[
			[
				['a', -1],
				['b', 2]
			]
		]
	])('weighted(%j) throws', (items) => {
		expect(() => createRandom(1).weighted(items as [string, number][])).toThrow(RangeError);
	});

	test('pick and shuffle keep the elements', () => {
		fc.assert(
			fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.nat(), (items, seed) => {
				const random = createRandom(seed);
				expect(items).toContain(random.pick(items));
				expect(random.shuffle(items).sort()).toEqual([...items].sort());
			})
		);
		expect(() => createRandom(1).pick([])).toThrow(RangeError);
	});

	test('the samplers have the moments they promise', () => {
		const random = createRandom(2024);
		const n = 20_000;
		expect(mean(sample(n, () => random.exponential(4)))).toBeCloseTo(0.25, 1.5);
		const normals = sample(n, () => random.normal());
		expect(mean(normals)).toBeCloseTo(0, 1);
		expect(Math.sqrt(mean(normals.map((x) => x * x)))).toBeCloseTo(1, 1);
		expect(median(sample(n, () => random.lognormal(50, 0.8))) / 50).toBeCloseTo(1, 1);
		for (const lambda of [0, 0.5, 7, 40]) {
			const counts = sample(5000, () => random.poisson(lambda));
			expect(Math.abs(mean(counts) - lambda)).toBeLessThan(4 * Math.sqrt(lambda / 5000) + 1e-9);
		}
		expect(() => random.exponential(0)).toThrow(RangeError);
		expect(() => random.poisson(-1)).toThrow(RangeError);
	});

	test('chance(0) is never and chance(1) always', () => {
		const random = createRandom(5);
		for (let i = 0; i < 1000; i++) {
			expect(random.chance(0)).toBe(false);
			expect(random.chance(1)).toBe(true);
		}
	});
});
