import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { INDIAN_STATE_CODES, PLATE_COUNTRIES, isValidPlate, parsePlate } from '../plates.ts';
import { VEHICLE_CLASSES } from '../tariff-plan.ts';
import { createPlateFactory, generatePlate } from './plates-gen.ts';
import { createRandom } from './random.ts';

const many = (n: number, draw: () => string): string[] => Array.from({ length: n }, draw);

describe('generatePlate', () => {
	test('every plate is valid for its country, whatever the class and seed', () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...PLATE_COUNTRIES),
				fc.constantFrom(...VEHICLE_CLASSES),
				fc.nat(),
				(country, vehicleClass, seed) => {
					const random = createRandom(seed);
					for (const plate of many(20, () => generatePlate(country, random, vehicleClass))) {
						expect(isValidPlate(plate, country), plate).toBe(true);
						expect(plate).toMatch(/^[A-Z0-9]+$/);
					}
				}
			)
		);
	});

	test('Indian plates: real state codes, RTO 01–99, series without I or O, some BH', () => {
		const random = createRandom(42);
		const parsed = many(5000, () => generatePlate('in', random, 'car')).map((plate) => parsePlate(plate, 'in'));
		const standard = parsed.flatMap((p) => (p?.format === 'in-standard' ? [p] : []));
		const bharat = parsed.filter((p) => p?.format === 'in-bharat');
		for (const p of standard) {
			expect(INDIAN_STATE_CODES.has(p.state)).toBe(true);
			expect(p.series).not.toMatch(/[IO]/);
			expect(p.number).toMatch(/^\d{4}$/);
			if (p.state === 'DL') expect(Number(p.rto)).toBeLessThanOrEqual(13);
			else expect(p.rto).toMatch(/^(0[1-9]|[1-9]\d)$/);
		}
		// Home state (KA) about 70 %, BH about 5 %.
		const home = standard.filter((p) => p.state === 'KA').length / parsed.length;
		expect(home).toBeGreaterThan(0.6);
		expect(home).toBeLessThan(0.72);
		expect(bharat.length / parsed.length).toBeGreaterThan(0.03);
		expect(bharat.length / parsed.length).toBeLessThan(0.07);
	});

	test.each<[string, RegExp]>([
		['two-wheeler', /^DL\d{1,2}S/],
		['car', /^DL\d{1,2}C/]
	])('Delhi %s plates carry the category letter', (vehicleClass, pattern) => {
		const random = createRandom(1);
		const delhi = many(400, () => generatePlate('in', random, vehicleClass as 'car', { homeRegion: 'DL' })).filter(
			(p) => p.startsWith('DL')
		);
		expect(delhi.length).toBeGreaterThan(200);
		for (const plate of delhi) expect(plate).toMatch(pattern);
	});

	test('two-wheelers are never on the BH series', () => {
		const random = createRandom(8);
		for (const plate of many(2000, () => generatePlate('in', random, 'two-wheeler', { bharatShare: 1 }))) {
			expect(parsePlate(plate, 'in')?.format).toBe('in-standard');
		}
	});

	test('BH years run from 21 to the latest year', () => {
		const random = createRandom(8);
		const years = many(500, () => generatePlate('in', random, 'car', { bharatShare: 1, latestYear: 24 })).map((p) =>
			Number(p.slice(0, 2))
		);
		expect(Math.min(...years)).toBe(21);
		expect(Math.max(...years)).toBe(24);
	});

	test.each<[string, RegExp]>([
		['br', /^[A-Z]{3}\d([A-Z]|\d)\d{2}$/],
		['us', /^[A-Z0-9]{6,7}$/]
	])('%s plates look like real layouts', (country, pattern) => {
		const random = createRandom(5);
		for (const plate of many(500, () => generatePlate(country as 'br', random))) expect(plate).toMatch(pattern);
	});
});

describe('createPlateFactory', () => {
	test('never hands out a plate twice and remembers what it issued', () => {
		const factory = createPlateFactory('in', createRandom(3), { homeShare: 1 });
		const plates = many(20_000, () => factory.fresh());
		expect(new Set(plates).size).toBe(plates.length);
		expect(factory.isIssued(plates[123] as string)).toBe(true);
		expect(factory.isIssued('KA01AB0001X')).toBe(false);
	});

	test('refuses a home region that is not a state code', () => {
		expect(() => createPlateFactory('in', createRandom(1), { homeRegion: 'XX' })).toThrow(/homeRegion/);
	});
});
