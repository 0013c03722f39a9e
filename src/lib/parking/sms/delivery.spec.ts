import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { advanceStatus, keywordOf, parseQuietHours, quietHoursEnd, retryDelayMs } from './delivery.ts';

describe('retryDelayMs', () => {
	const opts = { baseMs: 1000, capMs: 60_000 };
	test.each<[number, number, number]>([
		[1, 0, 500],
		[1, 0.999999, 999],
		[2, 0, 1000],
		[3, 0.5, 3000],
		[7, 0, 30_000], // 64 s ceiling capped at 60 s
		[50, 0.999999, 59_999]
	])('retry %d with random %d → %d ms', (attempt, random, ms) => {
		expect(retryDelayMs(attempt, random, opts)).toBe(ms);
	});

	test('lies between half and all of the capped exponential ceiling, which never shrinks', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
				const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** (attempt - 1));
				const d = retryDelayMs(attempt, r, opts);
				expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
				expect(d).toBeLessThanOrEqual(ceiling);
				expect(retryDelayMs(attempt + 1, 0, opts)).toBeGreaterThanOrEqual(retryDelayMs(attempt, 0, opts));
			})
		);
	});
});

describe('quiet hours', () => {
	const night = parseQuietHours('21:00-08:00')!;
	const kolkata = (day: number, h: number, m = 0) => Date.UTC(2026, 0, day, h, m) - 5.5 * 3600_000;

	test('parse', () => {
		expect(night).toEqual({ fromMinute: 1260, untilMinute: 480 });
		expect(parseQuietHours('off')).toBeNull();
		expect(parseQuietHours('25:00-08:00')).toBeUndefined();
		expect(parseQuietHours('08:00-08:00')).toBeUndefined();
		expect(parseQuietHours('9pm-8am')).toBeUndefined();
	});

	test.each<[string, number, number]>([
		['evening before quiet hours', kolkata(5, 20, 59), kolkata(5, 20, 59)],
		['at their start', kolkata(5, 21, 0), kolkata(6, 8, 0)],
		['late at night', kolkata(5, 23, 30), kolkata(6, 8, 0)],
		['after midnight', kolkata(6, 2, 0), kolkata(6, 8, 0)],
		['at their end', kolkata(6, 8, 0), kolkata(6, 8, 0)]
	])('%s', (_, now, until) => {
		expect(quietHoursEnd(now, 'Asia/Kolkata', night)).toBe(until);
	});

	test('a daytime window and no window', () => {
		const lunch = parseQuietHours('13:00-14:00')!;
		expect(quietHoursEnd(kolkata(5, 13, 30), 'Asia/Kolkata', lunch)).toBe(kolkata(5, 14, 0));
		expect(quietHoursEnd(kolkata(5, 23, 0), 'Asia/Kolkata', null)).toBe(kolkata(5, 23, 0));
	});

	test('the answer is never before now and is outside quiet hours', () => {
		fc.assert(
			fc.property(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }), fc.constantFrom('Asia/Kolkata', 'America/New_York', 'Europe/London'), (now, zone) => {
				const at = quietHoursEnd(now, zone, night);
				expect(at).toBeGreaterThanOrEqual(now);
				expect(quietHoursEnd(at, zone, night)).toBe(at);
				expect(at - now).toBeLessThanOrEqual(12 * 3600_000);
			})
		);
	});
});

describe('advanceStatus', () => {
	test.each<[string | null, string, string | null]>([
		[null, 'queued', 'queued'],
		['queued', 'sent', 'sent'],
		['sent', 'queued', 'sent'], // a late callback does not go back
		['delivered', 'sent', 'delivered'],
		['delivered', 'failed', 'delivered'], // final is final
		['sent', 'undelivered', 'undelivered'],
		['sent', 'bogus', 'sent'],
		[null, 'constructor', null], // inherited names are not statuses
		['sent', '__proto__', 'sent'],
		['toString', 'sent', 'sent']
	])('%s + %s → %s', (current, incoming, next) => {
		expect(advanceStatus(current, incoming)).toBe(next);
	});
});

describe('keywordOf', () => {
	test.each<[string, string | null]>([
		['STOP', 'stop'],
		[' stop. ', 'stop'],
		['Unsubscribe', 'stop'],
		['START', 'start'],
		['unstop', 'start'],
		['stop sending at night', null],
		['hello', null]
	])('%j → %s', (body, keyword) => {
		expect(keywordOf(body)).toBe(keyword);
	});
});
