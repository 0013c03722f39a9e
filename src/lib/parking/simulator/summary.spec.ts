import { describe, expect, test } from 'vitest';
import { summary } from './summary.ts';
import { simulateTraffic } from './traffic.ts';
import type { SimEvent } from './types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T = Date.UTC(2025, 0, 6); // Monday 00:00 UTC
const entry = (plate: string, minutes: number, vehicleClass: 'car' | 'two-wheeler' = 'car'): SimEvent => ({
	type: 'entry',
	at: T + minutes * MINUTE,
	plateRead: plate,
	truePlate: plate,
	vehicleClass,
	confidence: 0.9,
	gate: 'entry'
});
const exit = (plate: string, minutes: number): SimEvent => ({
	type: 'exit',
	at: T + minutes * MINUTE,
	plateRead: plate,
	truePlate: plate,
	confidence: 0.9,
	gate: 'exit'
});

describe('summary', () => {
	test('counts arrivals, occupancy and stays by true plate', () => {
		const s = summary([
			entry('A1', 0),
			entry('B2', 30, 'two-wheeler'),
			entry('A1', 32), // a duplicate read of a parked car
			{ type: 'scan', at: T + 45 * MINUTE },
			exit('A1', 60),
			exit('Z9', 61), // never seen entering
			entry('C3', 8 * 60),
			exit('C3', 8 * 60 + 90),
			entry('D4', 9 * 60)
		]);
		expect(s).toMatchObject({
			arrivals: 4,
			exits: 2,
			unmatchedExits: 1,
			peakOccupancy: 2,
			peakAt: T + 30 * MINUTE,
			openAtEnd: 2
		});
		expect(s.peakOccupancyByClass).toEqual({ car: 1, 'two-wheeler': 1 });
		expect(s.arrivalsByLocalHour[0]).toBe(2);
		expect(s.arrivalsByLocalHour[8]).toBe(1);
		expect(s.arrivalsByLocalDay).toEqual({ '2025-01-06': 4 });
		expect(s.stay).toMatchObject({ completed: 2, meanMinutes: 75, medianMinutes: 90, maxMinutes: 90, longShare: 0 });
	});

	test('local hours follow the zone', () => {
		expect(summary([entry('A1', 0)], { timeZone: 'Asia/Kolkata' }).arrivalsByLocalHour[5]).toBe(1);
	});

	test('no events, no traffic', () => {
		expect(summary([])).toMatchObject({
			arrivals: 0,
			peakOccupancy: 0,
			peakAt: null,
			stay: { completed: 0, meanMinutes: 0, longShare: 0 }
		});
	});

	test('a simulated week looks like a car park', () => {
		const sim = simulateTraffic({ seed: 31, startMs: Date.UTC(2025, 0, 5, 18, 30), hours: 7 * 24 });
		const s = summary(sim.events, { timeZone: sim.lot.timeZone, longStayMinutes: sim.lot.longStayMinutes });
		const byHour = s.arrivalsByLocalHour;
		const at = (hour: number) => byHour[hour] ?? 0;
		// Rush hours: the morning and evening peaks dwarf the small hours and beat midday.
		for (const rush of [8, 9, 17, 18]) {
			expect(at(rush)).toBeGreaterThan(8 * at(3));
			expect(at(rush)).toBeGreaterThan(at(14));
		}
		// Weekdays busier than the weekend (2025-01-11/12).
		const days = s.arrivalsByLocalDay;
		expect(days['2025-01-08'] ?? 0).toBeGreaterThan(1.15 * (days['2025-01-12'] ?? 0));
		// A lot that gets busy but is not a wall of cars.
		const capacity = Object.values(sim.lot.capacity).reduce((a, b) => (a ?? 0) + (b ?? 0), 0) ?? 0;
		expect(s.peakOccupancy).toBeGreaterThan(0.6 * capacity);
		expect(s.peakOccupancy).toBeLessThanOrEqual(capacity + 12);
		// Stays: right-skewed with a long tail past the long-stay threshold.
		expect(s.stay.medianMinutes).toBeLessThan(s.stay.meanMinutes);
		expect(s.stay.medianMinutes).toBeGreaterThan(30);
		expect(s.stay.p95Minutes).toBeGreaterThan(8 * 60);
		expect(s.stay.longShare).toBeGreaterThan(0.002);
		expect(s.stay.longShare).toBeLessThan(0.05);
		expect(s.stay.maxMinutes).toBeGreaterThan(sim.lot.longStayMinutes);
		expect(HOUR).toBe(60 * MINUTE);
	});
});
