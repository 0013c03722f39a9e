import { describe, expect, test } from 'vitest';
import { isValidPlate } from '../plates.ts';
import { createPlateFactory } from './plates-gen.ts';
import { classWeights, createPopulation, defaultPopulation } from './population.ts';
import { createRandom } from './random.ts';
import { defaultLot } from './traffic.ts';

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 5, 18, 30);
const END = START + 7 * DAY;

const populate = (permitExpiryRate = 0.2, seed = 1) => {
	const lot = defaultLot('in');
	const random = createRandom(seed);
	const plates = createPlateFactory('in', random.fork('plates'));
	return createPopulation(random, plates, lot, defaultPopulation(500), {
		startMs: START,
		endMs: END,
		permitExpiryRate
	});
};

describe('createPopulation', () => {
	test('defaults scale with capacity', () => {
		expect(defaultPopulation(500)).toEqual({ commuters: 225, permitHolders: 75, occasional: 1000, hotlisted: 10 });
		expect(defaultPopulation(10).hotlisted).toBe(5);
	});

	test('distinct valid plates, classes the lot has, one vehicle entry each', () => {
		const population = populate();
		const plates = population.vehicles.map((v) => v.plate);
		expect(new Set(plates).size).toBe(plates.length);
		expect(plates).toHaveLength(225 + 1000 + 10);
		for (const vehicle of population.vehicles) {
			expect(isValidPlate(vehicle.plate, 'in')).toBe(true);
			expect(defaultLot('in').capacity[vehicle.vehicleClass]).toBeGreaterThan(0);
		}
	});

	test('permit holders hold permits covering the window; a share is marked to lapse', () => {
		const population = populate(0.2);
		const holders = population.commuters.filter((c) => c.permit !== null);
		expect(holders).toHaveLength(75);
		for (const { permit } of holders) {
			expect(permit?.validFromMs).toBeLessThan(START);
			expect(permit?.validUntilMs).toBeGreaterThan(END);
			expect((permit?.validFromMs ?? 0) % 60_000).toBe(0);
		}
		const lapsing = holders.filter((c) => c.permit?.lapsePending).length;
		expect(lapsing).toBeGreaterThan(5);
		expect(lapsing).toBeLessThan(30);
		expect(populate(0).permits.some((p) => p.lapsePending)).toBe(false);
	});

	test('some occasional visitors hold permits that expired before the window', () => {
		const expired = populate().occasional.filter((o) => o.permit !== null);
		expect(expired.length).toBeGreaterThan(10);
		for (const { permit } of expired) expect(permit?.validUntilMs).toBeLessThan(START);
	});

	test('the hotlist names the hotlisted vehicles with a reason', () => {
		const population = populate();
		expect(population.hotlist.map((h) => h.plate)).toEqual(population.hotlisted.map((h) => h.plate));
		for (const entry of population.hotlist) expect(entry.reason.length).toBeGreaterThan(0);
	});

	test('class weights leave out classes without spaces', () => {
		expect(classWeights({ ...defaultLot('in'), capacity: { car: 5, 'two-wheeler': 0 } })).toEqual([['car', 5]]);
	});
});
