import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	addDays,
	formatLocalDate,
	isValidTimeZone,
	localDateAt,
	localDateTimeAt,
	offsetMsAt,
	wallTimeToUtc
} from './time-zone.ts';

const HOUR_MS = 3_600_000;

describe('isValidTimeZone', () => {
	test.each([
		'Asia/Kolkata',
		'Asia/Calcutta',
		'UTC',
		'Europe/London',
		'America/Argentina/Buenos_Aires',
		'America/Port-au-Prince',
		'Etc/GMT+5'
	])('accepts %s', (name) => {
		expect(isValidTimeZone(name)).toBe(true);
	});

	test.each(['', 'Mars/Olympus_Mons', '+05:30', '-03:00', 'Asia Kolkata', 'IST+5', null, 42])('refuses %s', (name) => {
		expect(isValidTimeZone(name)).toBe(false);
	});
});

describe('offsets and local readings', () => {
	test.each([
		['Asia/Kolkata', Date.UTC(2026, 0, 15), 5.5 * HOUR_MS],
		['Asia/Kolkata', Date.UTC(2026, 6, 15), 5.5 * HOUR_MS],
		['Europe/London', Date.UTC(2026, 0, 15), 0],
		['Europe/London', Date.UTC(2026, 6, 15), HOUR_MS],
		['America/New_York', Date.UTC(2026, 0, 15), -5 * HOUR_MS],
		['America/New_York', Date.UTC(2026, 6, 15), -4 * HOUR_MS],
		['America/New_York', Date.UTC(2026, 2, 8, 6, 59, 59, 999), -5 * HOUR_MS], // last EST millisecond
		['America/New_York', Date.UTC(2026, 2, 8, 7), -4 * HOUR_MS]
	])('%s at %d is UTC%+d ms', (zone, at, offset) => {
		expect(offsetMsAt(at, zone)).toBe(offset);
	});

	test('reads the wall clock, midnight as hour 0', () => {
		expect(localDateTimeAt(Date.UTC(2026, 0, 14, 18, 30), 'Asia/Kolkata')).toEqual({
			year: 2026,
			month: 1,
			day: 15,
			hour: 0,
			minute: 0,
			second: 0
		});
		expect(formatLocalDate(localDateAt(Date.UTC(2026, 0, 14, 18, 29), 'Asia/Kolkata'))).toBe('2026-01-14');
	});

	test.each([
		[{ year: 2026, month: 1, day: 31 }, 1, '2026-02-01'],
		[{ year: 2028, month: 2, day: 28 }, 1, '2028-02-29'],
		[{ year: 2026, month: 12, day: 31 }, 1, '2027-01-01'],
		[{ year: 2026, month: 3, day: 1 }, -1, '2026-02-28'],
		[{ year: 2026, month: 3, day: 8 }, 0, '2026-03-08']
	])('addDays(%o, %d) is %s', (date, days, expected) => {
		expect(formatLocalDate(addDays(date, days))).toBe(expected);
	});
});

describe('wallTimeToUtc', () => {
	test.each([
		['Asia/Kolkata', '2026-01-15 00:00', Date.UTC(2026, 0, 14, 18, 30), 'no daylight saving'],
		['America/New_York', '2026-03-08 01:30', Date.UTC(2026, 2, 8, 6, 30), 'before spring forward'],
		['America/New_York', '2026-03-08 02:30', Date.UTC(2026, 2, 8, 7, 30), 'in the gap: moved past it, 03:30 EDT'],
		['America/New_York', '2026-03-08 03:00', Date.UTC(2026, 2, 8, 7), 'right after the gap'],
		['America/New_York', '2026-11-01 01:30', Date.UTC(2026, 10, 1, 5, 30), 'repeated hour: the earlier, EDT'],
		['America/New_York', '2026-11-01 02:00', Date.UTC(2026, 10, 1, 7), 'after fall back, EST'],
		['Europe/London', '2026-03-29 01:30', Date.UTC(2026, 2, 29, 1, 30), 'in the gap: 02:30 BST'],
		['Europe/London', '2026-10-25 01:30', Date.UTC(2026, 9, 25, 0, 30), 'repeated hour: the earlier, BST'],
		['Australia/Lord_Howe', '2026-10-04 02:15', Date.UTC(2026, 9, 3, 15, 45), 'half-hour gap: 02:45 +11'],
		['Australia/Lord_Howe', '2026-04-05 01:45', Date.UTC(2026, 3, 4, 14, 45), 'half-hour fold: the earlier, +11']
	])('%s %s → %d (%s)', (zone, wall, expected) => {
		const [date = '', time = ''] = wall.split(' ');
		const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
		const [hour = 0, minute = 0] = time.split(':').map(Number);
		expect(wallTimeToUtc({ year, month, day }, hour * 60 + minute, zone)).toBe(expected);
	});

	test('inverts localDateTimeAt, choosing the earlier instant of a repeated wall time', () => {
		const zone = fc.constantFrom(
			'Asia/Kolkata',
			'Europe/London',
			'America/New_York',
			'Australia/Lord_Howe',
			'America/Santiago'
		);
		const minute = fc.integer({ min: Date.UTC(2024, 0, 1) / 60_000, max: Date.UTC(2029, 0, 1) / 60_000 });
		fc.assert(
			fc.property(zone, minute, (timeZone, minutes) => {
				const instant = minutes * 60_000;
				const local = localDateTimeAt(instant, timeZone);
				const back = wallTimeToUtc(local, local.hour * 60 + local.minute, timeZone);
				expect(back).toBeLessThanOrEqual(instant);
				expect(localDateTimeAt(back, timeZone)).toEqual(local);
			})
		);
	});
});
