import { describe, expect, test } from 'vitest';
import {
	MAX_STAY_MS,
	MIN_STAY_MS,
	WEEKDAY_PROFILE,
	WEEKEND_DEMAND,
	arrivalRatePerHour,
	arrivalTimes,
	commuterShare,
	createLocalClock,
	sampleLongStayMs,
	sampleStayMs
} from './profile.ts';
import { createRandom } from './random.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MONDAY_IST = Date.UTC(2025, 0, 5, 18, 30);
const median = (values: readonly number[]): number =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

describe('createLocalClock', () => {
	test.each([
		['Asia/Kolkata', MONDAY_IST + 9 * HOUR + 10 * MINUTE, { day: '2025-01-06', hour: 9, weekday: 1, weekend: false }],
		['Asia/Kolkata', MONDAY_IST - 1, { day: '2025-01-05', hour: 23, weekday: 0, weekend: true }],
		['Asia/Kathmandu', Date.UTC(2025, 0, 6, 2, 14), { day: '2025-01-06', hour: 7 }], // +05:45
		['Asia/Kathmandu', Date.UTC(2025, 0, 6, 2, 15), { day: '2025-01-06', hour: 8 }],
		['America/New_York', Date.UTC(2025, 2, 9, 6, 59), { day: '2025-03-09', hour: 1 }], // before spring forward
		['America/New_York', Date.UTC(2025, 2, 9, 7, 0), { day: '2025-03-09', hour: 3 }]
	])('%s at %d', (zone, ms, expected) => {
		expect(createLocalClock(zone).at(ms)).toMatchObject(expected);
	});

	test('day bounds follow the zone, including a 23-hour day', () => {
		const kolkata = createLocalClock('Asia/Kolkata').dayBounds({ year: 2025, month: 1, day: 6 });
		expect(kolkata).toEqual({ fromMs: MONDAY_IST, untilMs: MONDAY_IST + 24 * HOUR });
		const springForward = createLocalClock('America/New_York').dayBounds({ year: 2025, month: 3, day: 9 });
		expect(springForward.untilMs - springForward.fromMs).toBe(23 * HOUR);
	});
});

describe('arrival profile', () => {
	const clock = createLocalClock('Asia/Kolkata');
	const slot = (day: number, hour: number) => clock.at(MONDAY_IST + day * 24 * HOUR + hour * HOUR);

	test('a weekday adds up to arrivalsPerDay, a weekend day to its share of it', () => {
		const total = (day: number) =>
			Array.from({ length: 24 }, (_, h) => arrivalRatePerHour(slot(day, h), 1000)).reduce((a, b) => a + b);
		expect(total(0)).toBeCloseTo(1000, 6);
		expect(total(5)).toBeCloseTo(1000 * WEEKEND_DEMAND, 6);
	});

	test.each([8, 9, 17, 18, 19])('weekday rush hour %d is busier than any night hour', (hour) => {
		for (const night of [0, 1, 2, 3, 4, 23]) {
			expect(arrivalRatePerHour(slot(0, hour), 1000)).toBeGreaterThan(5 * arrivalRatePerHour(slot(0, night), 1000));
		}
	});

	test('weekends have no morning rush', () => {
		expect(arrivalRatePerHour(slot(5, 8), 1000)).toBeLessThan(arrivalRatePerHour(slot(5, 12), 1000));
		expect(WEEKDAY_PROFILE).toHaveLength(24);
	});

	test('arrival times are ascending whole seconds in range, as many as the profile expects', () => {
		const random = createRandom(6);
		const from = MONDAY_IST + 1234;
		const times = arrivalTimes(random, clock, from, from + 5 * 24 * HOUR, 1000);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		for (const t of times) {
			expect(t % 1000).toBe(0);
			expect(t).toBeGreaterThanOrEqual(from);
			expect(t).toBeLessThan(from + 5 * 24 * HOUR);
		}
		expect(Math.abs(times.length - 5000)).toBeLessThan(4 * Math.sqrt(5000));
		const rush = times.filter((t) => clock.at(t).hour === 9).length;
		expect(rush / 5).toBeCloseTo((1000 * (WEEKDAY_PROFILE[9] ?? 0)) / WEEKDAY_PROFILE.reduce((a, b) => a + b), -1.5);
	});

	test('commuters arrive in the weekday morning', () => {
		expect(commuterShare(slot(0, 8))).toBeGreaterThan(0.5);
		expect(commuterShare(slot(0, 14))).toBeLessThan(0.1);
		expect(commuterShare(slot(6, 8))).toBeLessThan(0.1);
	});
});

describe('stays', () => {
	const clock = createLocalClock('UTC');
	const noon = clock.at(Date.UTC(2025, 0, 6, 12));
	const night = clock.at(Date.UTC(2025, 0, 6, 23));

	test('stays are whole seconds between the bounds', () => {
		const random = createRandom(2);
		for (let i = 0; i < 5000; i++) {
			const stay = sampleStayMs(random, i % 2 === 0 ? 'visitor' : 'commuter', i % 3 === 0 ? night : noon);
			expect(stay % 1000).toBe(0);
			expect(stay).toBeGreaterThanOrEqual(MIN_STAY_MS);
			expect(stay).toBeLessThanOrEqual(MAX_STAY_MS);
		}
	});

	test('commuters stay a workday, visitors an errand with a long tail, night arrivals overnight', () => {
		const random = createRandom(4);
		const commuters = Array.from({ length: 4000 }, () => sampleStayMs(random, 'commuter', noon));
		const visitors = Array.from({ length: 4000 }, () => sampleStayMs(random, 'visitor', noon));
		const nightVisitors = Array.from({ length: 4000 }, () => sampleStayMs(random, 'visitor', night));
		expect(median(commuters) / HOUR).toBeCloseTo(9, 0);
		expect(median(visitors)).toBeLessThan(90 * MINUTE);
		expect(visitors.filter((s) => s > 12 * HOUR).length / visitors.length).toBeGreaterThan(0.01);
		expect(median(nightVisitors)).toBeGreaterThan(median(visitors));
	});

	test('long-stay faults overstay the threshold', () => {
		const random = createRandom(4);
		for (let i = 0; i < 2000; i++)
			expect(sampleLongStayMs(random, 600)).toBeGreaterThanOrEqual(1.05 * 600 * MINUTE - 1000);
	});
});
