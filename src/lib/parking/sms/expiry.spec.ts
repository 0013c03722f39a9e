import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defaultPlan, fee } from '../index.ts';
import { dueThreshold, paidUntil } from './expiry.ts';

const plan = defaultPlan({ baseRatePerHourPaise: 5000, graceMinutes: 10, currency: 'INR' });
const T0 = Date.UTC(2026, 10, 2, 4, 0);
const H = 3_600_000;

describe('paidUntil', () => {
	test.each<[number, number]>([
		[5000, T0 + H], // one started hour
		[10_000, T0 + 2 * H],
		[0, T0 + 10 * 60_000] // the grace is free
	])('%d paise at ₹50/h cover until %d', (paid, until) => {
		expect(paidUntil(plan, T0, paid, 'Asia/Kolkata')).toBe(until);
	});

	test('a large payment covers the horizon', () => {
		expect(paidUntil(plan, T0, 10_000_000, 'Asia/Kolkata', 6 * H)).toBe(T0 + 6 * H);
	});

	test('the stay is covered up to the answer and not a minute past it', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 200_000 }), (paid) => {
				const until = paidUntil(plan, T0, paid, 'Asia/Kolkata')!;
				const at = (ms: number) => (fee(plan, T0, ms, 'Asia/Kolkata') as { ok: true; value: { totalPaise: number } }).value.totalPaise;
				expect(at(until)).toBeLessThanOrEqual(paid);
				if (until < T0 + 48 * H) expect(at(until + 60_000)).toBeGreaterThan(paid);
			}),
			{ numRuns: 50 }
		);
	});
});

describe('dueThreshold', () => {
	const end = T0 + 2 * H;
	test.each<[number, number | null]>([
		[end - 31 * 60_000, null],
		[end - 30 * 60_000, 30],
		[end - 16 * 60_000, 30],
		[end - 15 * 60_000, 15],
		[end - 1, 15],
		[end, null],
		[end + 1, null]
	])('at %d → %s', (now, threshold) => {
		expect(dueThreshold([30, 15], end, now, 60_000)).toBe(threshold);
	});
});
