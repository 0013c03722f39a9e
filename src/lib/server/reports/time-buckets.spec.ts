import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hourIndicesOf, hourOfIndex, localDayIndex, localHourIndex, localRange, offsetSegments, parseLocalDate, probeSegments } from './time-buckets.ts';

const H = 3_600_000;

describe('offsetSegments', () => {
	test('Asia/Kolkata: one segment at +05:30', () => {
		expect(offsetSegments(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1), 'Asia/Kolkata')).toEqual([{ from: Date.UTC(2026, 0, 1), until: Date.UTC(2027, 0, 1), offsetMs: 5.5 * H }]);
	});

	test('America/New_York over 2026: the changes at 2026-03-08 07:00Z and 2026-11-01 06:00Z, to the millisecond', () => {
		const s = offsetSegments(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1), 'America/New_York');
		expect(s.map((x) => x.offsetMs)).toEqual([-5 * H, -4 * H, -5 * H]);
		expect(s[0]!.until).toBe(Date.UTC(2026, 2, 8, 7));
		expect(s[1]!.until).toBe(Date.UTC(2026, 10, 1, 6));
	});

	test('the segments kept per year are those worked out for the range alone', () => {
		const zones = ['Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Africa/Casablanca', 'Antarctica/Casey'];
		const instant = fc.integer({ min: Date.UTC(2005, 0, 1), max: Date.UTC(2030, 0, 1) });
		fc.assert(
			fc.property(fc.constantFrom(...zones), instant, fc.integer({ min: 1, max: 400 * 86_400_000 }), (zone, from, length) => {
				expect(offsetSegments(from, from + length, zone)).toEqual(probeSegments(from, from + length, zone));
			}),
			{ numRuns: 60 }
		);
	});

	test('an empty range is refused', () => {
		expect(() => offsetSegments(5, 5, 'UTC')).toThrow(RangeError);
	});
});

describe('local hours and days', () => {
	test.each([
		['Asia/Kolkata', '2026-11-01', 24],
		['America/New_York', '2026-03-08', 23],
		['America/New_York', '2026-11-01', 24]
	])('%s on %s has %i distinct hour labels', (zone, date, n) => {
		const d = parseLocalDate(date)!;
		const r = localRange(d, d, zone);
		const hours = hourIndicesOf(offsetSegments(r.from, r.until, zone));
		expect(hours).toHaveLength(n);
		expect(hours.every((h) => hourOfIndex(h).date === date)).toBe(true);
	});

	test('an instant is bucketed in its zone: 2026-11-01 23:45 IST is that day, hour 23, a Sunday', () => {
		const at = Date.UTC(2026, 10, 1, 18, 15);
		const segs = offsetSegments(at - H, at + H, 'Asia/Kolkata');
		expect(hourOfIndex(localHourIndex(at, segs))).toEqual({ date: '2026-11-01', hour: 23, weekday: 6 });
		expect(localDayIndex(at, segs)).toBe(Date.UTC(2026, 10, 1) / 86_400_000);
	});

	test.each(['2026-02-30', '2026-13-01', '26-01-01', 'x'])('%s is not a date', (s) => {
		expect(parseLocalDate(s)).toBeNull();
	});
});
