import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	anomalyKey,
	duplicateEntry,
	exitMatch,
	isLongStay,
	isLowConfidence,
	overCapacity,
	permitExpiredWhileParked,
	type AnomalyKeyInput
} from './anomaly-rules.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T = Date.UTC(2026, 0, 15, 4, 30); // 10:00 IST

describe('duplicateEntry', () => {
	test.each([
		[true, true],
		[false, false]
	])('open session %s → duplicate %s', (exists, duplicate) => {
		expect(duplicateEntry(exists)).toBe(duplicate);
	});
});

describe('exitMatch', () => {
	const sessions = [
		{ id: 's1', plate: 'KA01AB1234' },
		{ id: 's2', plate: 'MH 12 CD 5678' },
		{ id: 's3', plate: 'KA01AB1284' }
	];

	test('an exact read closes its session', () => {
		expect(exitMatch('ka-01-ab-1234', sessions)).toEqual({ kind: 'exact', session: sessions[0], anomaly: null });
		expect(exitMatch('MH12CD5678', sessions)).toEqual({ kind: 'exact', session: sessions[1], anomaly: null });
	});

	test('a misread offers candidates, cheapest first, as a plate mismatch', () => {
		expect(exitMatch('KA01A81234', sessions)).toEqual({
			kind: 'confusable',
			candidates: [
				{ session: sessions[0], cost: 0.25 },
				{ session: sessions[2], cost: 0.75 }
			],
			anomaly: 'plate-mismatch'
		});
		expect(exitMatch('KA01A81234', sessions, { maxCost: 0.5 })).toMatchObject({ candidates: [{ session: sessions[0] }] });
	});

	test('nothing near is an exit without entry', () => {
		expect(exitMatch('DL3CAB9999', sessions)).toEqual({ kind: 'none', anomaly: 'exit-without-entry' });
		expect(exitMatch('KA01AB1234', [])).toEqual({ kind: 'none', anomaly: 'exit-without-entry' });
	});

	test('two open sessions for one plate are a duplicate entry', () => {
		const twice = [...sessions, { id: 's4', plate: 'KA01AB1234' }];
		expect(exitMatch('KA01AB1234', twice)).toEqual({
			kind: 'duplicate',
			sessions: [twice[0], twice[3]],
			anomaly: 'duplicate-entry'
		});
	});

	test('an unreadable read is its own anomaly', () => {
		expect(exitMatch('??', sessions)).toEqual({ kind: 'unreadable', anomaly: 'unreadable-plate' });
	});
});

describe('isLongStay', () => {
	test.each([
		[T, T + 4 * HOUR - 1, 240, false],
		[T, T + 4 * HOUR, 240, true],
		[T, T + 30 * HOUR, 240, true],
		[T, T - HOUR, 240, false] // a clock behind entry is not a long stay
	])('entry %d, now %d, threshold %d min → %s', (entry, now, threshold, long) => {
		expect(isLongStay(entry, now, threshold)).toBe(long);
	});

	test.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses threshold %d', (threshold) => {
		expect(() => isLongStay(T, T, threshold)).toThrow(RangeError);
	});
});

describe('permitExpiredWhileParked', () => {
	const permit = { validFromMs: T - 24 * HOUR, validUntilMs: T + 2 * HOUR };

	test.each([
		['valid at entry, lapsed since', T, T + 3 * HOUR, true],
		['lapsed exactly now (until is exclusive)', T, T + 2 * HOUR, true],
		['still valid', T, T + 2 * HOUR - 1, false],
		['entered after it lapsed: an ordinary paid stay', T + 3 * HOUR, T + 5 * HOUR, false],
		['entered before it began', T - 25 * HOUR, T + 3 * HOUR, false],
		['entered at the instant it lapsed', T + 2 * HOUR, T + 3 * HOUR, false]
	])('%s → %s', (_, entry, now, expired) => {
		expect(permitExpiredWhileParked(permit, entry, now)).toBe(expired);
	});
});

describe('isLowConfidence', () => {
	test.each<[number | null | undefined, number, boolean]>([
		[0.79, 0.8, true],
		[0.8, 0.8, false],
		[0.99, 0.8, false],
		[0, 0, false],
		[Number.NaN, 0.8, true],
		[null, 0.8, true],
		[undefined, 0, true]
	])('confidence %s against %d → %s', (confidence, threshold, low) => {
		expect(isLowConfidence(confidence, threshold)).toBe(low);
	});

	test.each([-0.1, 1.1, Number.NaN])('refuses threshold %d', (threshold) => {
		expect(() => isLowConfidence(0.5, threshold)).toThrow(RangeError);
	});
});

describe('overCapacity', () => {
	test.each([
		[99, 100, false],
		[100, 100, false],
		[101, 100, true],
		[1, 0, true],
		[0, 0, false]
	])('%d inside, %d spaces → %s', (occupied, capacity, over) => {
		expect(overCapacity(occupied, capacity)).toBe(over);
	});

	test.each([
		[-1, 10],
		[1.5, 10],
		[1, Number.NaN]
	])('refuses %d / %d', (occupied, capacity) => {
		expect(() => overCapacity(occupied, capacity)).toThrow(RangeError);
	});
});

describe('anomalyKey', () => {
	const KOLKATA = 'Asia/Kolkata';

	const at = { atMs: T, timeZone: KOLKATA };
	test.each<[AnomalyKeyInput, string]>([
		[{ kind: 'duplicate-entry', lotId: 'lot1', sessionId: 's9' }, 'duplicate-entry:lot1:s9'],
		[{ kind: 'long-stay', lotId: 'lot1', sessionId: 's9' }, 'long-stay:lot1:s9'],
		[{ kind: 'permit-expired-while-parked', lotId: 'lot1', sessionId: 's9' }, 'permit-expired-while-parked:lot1:s9'],
		[{ kind: 'hotlist-hit', lotId: 'lot1', sessionId: 's9' }, 'hotlist-hit:lot1:s9'],
		[{ kind: 'exit-without-entry', lotId: 'lot1', plate: 'ka 01 ab 1234', ...at }, 'exit-without-entry:lot1:KA01AB1234:2026-01-15'],
		[{ kind: 'plate-mismatch', lotId: 'lot1', plate: 'KA01AB1234', ...at }, 'plate-mismatch:lot1:KA01AB1234:2026-01-15'],
		[{ kind: 'low-confidence', lotId: 'lot1', plate: 'K?01', ...at }, 'low-confidence:lot1:K%3F01:2026-01-15'],
		[{ kind: 'over-capacity', lotId: 'lot1', ...at }, 'over-capacity:lot1:2026-01-15'],
		[{ kind: 'unreadable-plate', lotId: 'lot1', eventId: 'e7' }, 'unreadable-plate:lot1:e7'],
		[{ kind: 'long-stay', lotId: 'a:b', sessionId: 'c' }, 'long-stay:a%3Ab:c']
	])('%o → %s', (input, key) => {
		expect(anomalyKey(input)).toBe(key);
	});

	test("uses the lot's local day, not the UTC day", () => {
		const beforeMidnightIst = Date.UTC(2026, 0, 15, 18, 29);
		const afterMidnightIst = Date.UTC(2026, 0, 15, 18, 31);
		const key = (atMs: number, timeZone: string) => anomalyKey({ kind: 'over-capacity', lotId: 'lot1', atMs, timeZone });
		expect(key(beforeMidnightIst, KOLKATA)).not.toBe(key(afterMidnightIst, KOLKATA));
		expect(key(beforeMidnightIst, 'UTC')).toBe(key(afterMidnightIst, 'UTC'));
		expect(key(T, KOLKATA)).toBe(key(T + 8 * HOUR, KOLKATA)); // same day: one alert
	});

	test('different lots or sessions never share a key', () => {
		const id = fc.string({ maxLength: 6 });
		fc.assert(
			fc.property(id, id, id, id, (lotA, sessionA, lotB, sessionB) => {
				fc.pre(lotA !== lotB || sessionA !== sessionB);
				const a = anomalyKey({ kind: 'long-stay', lotId: lotA, sessionId: sessionA });
				const b = anomalyKey({ kind: 'long-stay', lotId: lotB, sessionId: sessionB });
				expect(a).not.toBe(b);
			})
		);
	});
});
