import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	CAP_WINDOW_MINUTES,
	defaultPlan,
	tariffPlanSchema,
	type Charge,
	type TariffPlan,
	type TariffPlanInput
} from './tariff-plan.ts';
import { fee, MAX_STAY_MS, type Fee } from './tariff.ts';
import { localDateTimeAt } from './time-zone.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const KOLKATA = 'Asia/Kolkata';
const plan = (input: TariffPlanInput): TariffPlan => tariffPlanSchema.parse(input);

/** The fee's value, failing the test on an error. */
function priced(tariff: TariffPlan, entryMs: number, exitMs: number, timeZone = KOLKATA, permit = false): Fee {
	const result = fee(tariff, entryMs, exitMs, timeZone, { permit });
	if (!result.ok) throw new Error(`unexpected ${JSON.stringify(result.error)}`);
	return result.value;
}

// 2026-01-15 10:00 IST, a weekday with no daylight saving anywhere near.
const ENTRY = Date.UTC(2026, 0, 15, 4, 30);

const slabPlan = plan({
	graceMinutes: 10,
	charge: {
		kind: 'slabs',
		slabs: [
			{ upToMinutes: 30, amountPaise: 2000 },
			{ upToMinutes: 120, amountPaise: 5500 }
		],
		thereafter: { everyMinutes: 60, amountPaise: 1000 }
	}
});

describe('fee: the default plan (₹50 per started hour, 10 min grace)', () => {
	test.each([
		[0, 0],
		[5 * MINUTE, 0],
		[10 * MINUTE, 0], // a stay of exactly the grace period is free
		[10 * MINUTE + 1, 5000], // past grace, charged from the first minute
		[HOUR, 5000],
		[HOUR + 1, 10000],
		[DAY, 24 * 5000],
		[DAY + 1, 25 * 5000]
	])('%d ms → %d paise', (stay, paise) => {
		expect(priced(defaultPlan(), ENTRY, ENTRY + stay).totalPaise).toBe(paise);
	});

	test('says why a stay is free', () => {
		expect(priced(defaultPlan(), ENTRY, ENTRY + 5 * MINUTE)).toEqual({
			totalPaise: 0,
			currency: 'INR',
			durationMs: 5 * MINUTE,
			waived: 'grace',
			lines: []
		});
		const withPermit = priced(defaultPlan(), ENTRY, ENTRY + 5 * HOUR, KOLKATA, true);
		expect(withPermit).toMatchObject({ totalPaise: 0, waived: 'permit' });
	});
});

describe('fee: slabs (₹20 up to 30 min, ₹55 up to 2 h, then ₹10 per started hour)', () => {
	test.each([
		[10, 0],
		[11, 2000],
		[30, 2000],
		[31, 5500],
		[120, 5500],
		[121, 6500],
		[180, 6500],
		[181, 7500],
		[24 * 60, 5500 + 22 * 1000]
	])('%d min → %d paise', (minutes, paise) => {
		expect(priced(slabPlan, ENTRY, ENTRY + minutes * MINUTE).totalPaise).toBe(paise);
	});
});

describe('fee: hourly rates with a rounding unit', () => {
	test.each([
		[60, 50, 4000],
		[60, 61, 8000],
		[30, 50, 4000], // two started half hours at ₹20
		[30, 61, 6000],
		[15, 50, 4000],
		[15, 46, 4000],
		[15, 45, 3000]
	])('per %d min, %d min → %d paise at ₹40/h', (roundingMinutes, minutes, paise) => {
		const hourly = plan({ charge: { kind: 'hourly', ratePerHourPaise: 4000, roundingMinutes } });
		expect(priced(hourly, ENTRY, ENTRY + minutes * MINUTE).totalPaise).toBe(paise);
	});
});

describe('fee: flat rates', () => {
	test.each([
		[{ kind: 'flat', amountPaise: 10000 } as const, 3 * DAY, 10000], // once per visit
		[{ kind: 'flat', amountPaise: 20000, periodMinutes: 1440 } as const, DAY, 20000],
		[{ kind: 'flat', amountPaise: 20000, periodMinutes: 1440 } as const, DAY + 1, 40000]
	])('%o for %d ms → %d paise', (charge, stay, paise) => {
		expect(priced(plan({ charge }), ENTRY, ENTRY + stay).totalPaise).toBe(paise);
	});
});

describe('fee: cap per rolling 24 h from entry (₹50/h, at most ₹300 a window)', () => {
	const capped = plan({ charge: { kind: 'hourly', ratePerHourPaise: 5000 }, capPer24hPaise: 30000 });

	test.each([
		[5 * HOUR, 25000],
		[6 * HOUR, 30000],
		[10 * HOUR, 30000],
		[DAY, 30000],
		[DAY + HOUR, 35000], // the second window has run one hour
		[DAY + 7 * HOUR, 60000],
		[2 * DAY, 60000],
		[2 * DAY + 1, 65000]
	])('%d ms → %d paise', (stay, paise) => {
		expect(priced(capped, ENTRY, ENTRY + stay).totalPaise).toBe(paise);
	});

	test('windows start at entry, not at local midnight, and each line shows the cap', () => {
		const entry = Date.UTC(2026, 0, 15, 17, 30); // 23:00 IST
		const exit = entry + DAY + 2 * HOUR;
		expect(priced(capped, entry, exit).lines).toEqual([
			{ kind: 'time', window: 1, fromMs: entry, untilMs: entry + DAY, uncappedPaise: 120000, amountPaise: 30000 },
			{ kind: 'time', window: 2, fromMs: entry + DAY, untilMs: exit, uncappedPaise: 10000, amountPaise: 10000 }
		]);
	});
});

describe('fee: night charge (₹50 when the stay overlaps 23:00–05:00 local)', () => {
	const night = plan({
		charge: { kind: 'hourly', ratePerHourPaise: 0 },
		nightCharge: { from: '23:00', until: '05:00', amountPaise: 5000 }
	});
	const ist = (day: number, hour: number, minute = 0) => Date.UTC(2026, 0, day, hour, minute) - 5.5 * HOUR;

	test.each([
		['22:00–22:59', ist(15, 22), ist(15, 22, 59), 0],
		['22:00–23:00, ends as the window opens', ist(15, 22), ist(15, 23), 0],
		['22:00–23:30', ist(15, 22), ist(15, 23, 30), 5000],
		['04:00–04:59', ist(16, 4), ist(16, 4, 59), 5000],
		['05:00–06:00, starts as the window closes', ist(16, 5), ist(16, 6), 0],
		['20:00–08:00 next day', ist(15, 20), ist(16, 8), 5000],
		['three nights', ist(15, 12), ist(18, 12), 15000],
		['entered after midnight in the window', ist(16, 1), ist(16, 9), 5000]
	])('%s → %d paise', (_, entry, exit, paise) => {
		expect(priced(night, entry, exit).totalPaise).toBe(paise);
	});

	test('a window that does not cross midnight (00:00–06:00)', () => {
		const early = plan({
			charge: { kind: 'hourly', ratePerHourPaise: 0 },
			nightCharge: { from: '00:00', until: '06:00', amountPaise: 100 }
		});
		expect(priced(early, ist(15, 23), ist(16, 0, 1)).totalPaise).toBe(100);
		expect(priced(early, ist(15, 6), ist(15, 23, 59)).totalPaise).toBe(0);
	});

	test('is added on top of the cap, one receipt line per night', () => {
		const both = plan({
			charge: { kind: 'hourly', ratePerHourPaise: 5000 },
			capPer24hPaise: 30000,
			nightCharge: { from: '23:00', until: '05:00', amountPaise: 5000 }
		});
		const result = priced(both, ist(15, 20), ist(16, 8));
		expect(result.totalPaise).toBe(35000);
		expect(result.lines).toContainEqual({ kind: 'night', fromMs: ist(15, 23), untilMs: ist(16, 5), amountPaise: 5000 });
	});
});

describe('fee: night windows across daylight-saving changes', () => {
	const night = (from: string, until: string) =>
		plan({ charge: { kind: 'hourly', ratePerHourPaise: 0 }, nightCharge: { from, until, amountPaise: 5000 } });
	const utc = (month: number, day: number, hour: number, minute = 0) => Date.UTC(2026, month - 1, day, hour, minute);

	const NY = 'America/New_York';
	test.each([
		// New York springs forward on 8 March 2026 at 02:00 EST (07:00Z): 23:00 EST is 04:00Z,
		// 05:00 EDT is 09:00Z.
		['New York, 04:30–04:45 EDT', NY, '23:00', '05:00', utc(3, 8, 8, 30), utc(3, 8, 8, 45), 5000],
		['New York, 05:30–05:45 EDT (fixed EST would charge)', NY, '23:00', '05:00', utc(3, 8, 9, 30), utc(3, 8, 9, 45), 0],
		// It falls back on 1 November at 02:00 EDT (06:00Z): the night ends at 05:00 EST, 10:00Z.
		['New York, 04:30–04:45 EST (fixed EDT would not)', NY, '23:00', '05:00', utc(11, 1, 9, 30), utc(11, 1, 9, 45), 5000],
		['New York, 22:30–22:50 EDT the evening before', NY, '23:00', '05:00', utc(11, 1, 2, 30), utc(11, 1, 2, 50), 0],
		// A window opening inside the gap opens when the gap ends, 03:30 EDT (07:30Z).
		['New York, gap: 03:00–03:20 EDT', NY, '02:30', '04:00', utc(3, 8, 7), utc(3, 8, 7, 20), 0],
		['New York, gap: 03:40–03:50 EDT', NY, '02:30', '04:00', utc(3, 8, 7, 40), utc(3, 8, 7, 50), 5000],
		// London springs forward on 29 March at 01:00Z; 05:00 BST is 04:00Z.
		['London, 04:10–04:20 BST', 'Europe/London', '23:00', '05:00', utc(3, 29, 3, 10), utc(3, 29, 3, 20), 5000],
		['London, 05:10–05:20 BST', 'Europe/London', '23:00', '05:00', utc(3, 29, 4, 10), utc(3, 29, 4, 20), 0]
	])('%s → %d paise', (_, zone, from, until, entry, exit, paise) => {
		expect(priced(night(from, until), entry, exit, zone).totalPaise).toBe(paise);
	});

	test('the night of a fall-back is seven hours long in New York', () => {
		const { lines } = priced(night('23:00', '05:00'), utc(11, 1, 5), utc(11, 1, 6), NY);
		const [line] = lines.filter((l) => l.kind === 'night');
		expect(line).toMatchObject({ fromMs: utc(11, 1, 3), untilMs: utc(11, 1, 10) });
	});
});

describe('fee: refusals', () => {
	test.each([
		{
			why: 'exit before entry',
			entry: ENTRY,
			exit: ENTRY - 1,
			zone: KOLKATA,
			error: { kind: 'exit-before-entry', entryMs: ENTRY, exitMs: ENTRY - 1 }
		},
		{ why: 'NaN entry', entry: Number.NaN, exit: ENTRY, zone: KOLKATA, error: { kind: 'invalid-instant', which: 'entry' } },
		{ why: 'fractional exit', entry: ENTRY, exit: ENTRY + 0.5, zone: KOLKATA, error: { kind: 'invalid-instant', which: 'exit' } },
		{ why: 'unknown zone', entry: ENTRY, exit: ENTRY + HOUR, zone: 'Asia/Bangalore', error: { kind: 'invalid-time-zone' } },
		{ why: 'offset instead of zone', entry: ENTRY, exit: ENTRY + HOUR, zone: '+05:30', error: { kind: 'invalid-time-zone' } },
		{ why: 'over ten years', entry: ENTRY, exit: ENTRY + MAX_STAY_MS + 1, zone: KOLKATA, error: { kind: 'stay-too-long' } }
	])('$why', ({ entry, exit, zone, error }) => {
		const result = fee(defaultPlan(), entry, exit, zone);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatchObject(error);
	});

	test('the longest stay stays exact', () => {
		const perMinute = plan({
			charge: {
				kind: 'slabs',
				slabs: [{ upToMinutes: 1, amountPaise: 1 }],
				thereafter: { everyMinutes: 1, amountPaise: 1_000_000_000 }
			}
		});
		const { totalPaise } = priced(perMinute, ENTRY, ENTRY + MAX_STAY_MS);
		expect(Number.isSafeInteger(totalPaise)).toBe(true);
		expect(totalPaise).toBe(1 + (MAX_STAY_MS / MINUTE - 1) * 1_000_000_000);
	});
});

// ---------------------------------------------------------------------------------------------
// Laws, over generated plans, zones and stays.

const amount = fc.integer({ min: 0, max: 50_000 });
const slabsCharge = fc
	.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 5000 })), { minLength: 1, maxLength: 4 })
	.chain((steps) => {
		let upTo = 0;
		let price = 0;
		const list = steps.map(([minutes, paise]) => ({ upToMinutes: (upTo += minutes), amountPaise: (price += paise) }));
		return fc.record({
			kind: fc.constant('slabs' as const),
			slabs: fc.constant(list),
			thereafter: fc.record({ everyMinutes: fc.integer({ min: 1, max: 240 }), amountPaise: amount })
		});
	});
const charge = fc.oneof(
	fc.record(
		{ kind: fc.constant('flat' as const), amountPaise: amount, periodMinutes: fc.integer({ min: 1, max: 2880 }) },
		{ requiredKeys: ['kind', 'amountPaise'] }
	),
	fc.record({
		kind: fc.constant('hourly' as const),
		roundingMinutes: fc.constantFrom(15, 30, 60),
		ratePerHourPaise: fc.integer({ min: 0, max: 5000 }).map((n) => n * 4)
	}),
	slabsCharge
);
const hhmm = (hour: number, minute: number) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => hhmm(h, m));
const nightCharge = fc
	.record({ from: clock, until: clock, amountPaise: fc.integer({ min: 1, max: 10_000 }) })
	.filter((night) => night.from !== night.until);

/** A valid plan: grace short of the first slab, a cap at least the first charge. */
const tariffPlan = fc
	.record({ charge, capExtra: fc.option(amount), night: fc.option(nightCharge), grace: fc.integer({ min: 0, max: 120 }) })
	.map(({ charge, capExtra, night, grace }) => {
		const first = firstCharge(charge);
		const graceMinutes = charge.kind === 'slabs' ? Math.min(grace, (charge.slabs[0]?.upToMinutes ?? 1) - 1) : grace;
		return plan({
			graceMinutes,
			charge,
			...(capExtra === null ? {} : { capPer24hPaise: first + capExtra }),
			...(night === null ? {} : { nightCharge: night })
		});
	});

/** The smallest charge past grace, which a cap must not undercut. */
function firstCharge(charge: Charge): number {
	switch (charge.kind) {
		case 'flat':
			return charge.amountPaise;
		case 'hourly':
			return (charge.ratePerHourPaise * charge.roundingMinutes) / 60;
		case 'slabs':
			return charge.slabs[0]?.amountPaise ?? 0;
	}
}

const ZONES = ['Asia/Kolkata', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe'];
// Entries spread over 2025–2027, half of them within three days of a daylight-saving change
// (New York, London and Lord Howe, spring and autumn 2026).
const TRANSITIONS = [
	Date.UTC(2026, 2, 8, 7),
	Date.UTC(2026, 10, 1, 6),
	Date.UTC(2026, 2, 29, 1),
	Date.UTC(2026, 9, 25, 1),
	Date.UTC(2026, 3, 4, 15),
	Date.UTC(2026, 9, 3, 15, 30)
];
const entryInstant = fc.oneof(
	fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
	fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * DAY, max: 3 * DAY })).map(([at, delta]) => at + delta)
);
const stay = fc.oneof(fc.integer({ min: 0, max: 3 * HOUR }), fc.integer({ min: 0, max: 4 * DAY }));

describe('fee laws', () => {
	test('is a whole, non-negative number of paise that its lines add up to', () => {
		fc.assert(
			fc.property(tariffPlan, entryInstant, stay, fc.constantFrom(...ZONES), (tariff, entry, length, zone) => {
				const result = priced(tariff, entry, entry + length, zone);
				expect(Number.isSafeInteger(result.totalPaise)).toBe(true);
				expect(result.totalPaise).toBeGreaterThanOrEqual(0);
				expect(result.lines.reduce((sum, line) => sum + line.amountPaise, 0)).toBe(result.totalPaise);
			})
		);
	});

	test('never decreases as the stay grows', () => {
		fc.assert(
			fc.property(tariffPlan, entryInstant, stay, stay, fc.constantFrom(...ZONES), (tariff, entry, a, b, zone) => {
				const [shorter, longer] = a <= b ? [a, b] : [b, a];
				const before = priced(tariff, entry, entry + shorter, zone).totalPaise;
				expect(before).toBeLessThanOrEqual(priced(tariff, entry, entry + longer, zone).totalPaise);
			})
		);
	});

	test('respects the cap in every 24 h window', () => {
		fc.assert(
			fc.property(tariffPlan, entryInstant, stay, (tariff, entry, length) => {
				const cap = tariff.capPer24hPaise;
				fc.pre(cap !== undefined);
				const result = priced(tariff, entry, entry + length);
				const timeLines = result.lines.filter((line) => line.kind === 'time');
				for (const line of timeLines) expect(line.amountPaise).toBeLessThanOrEqual(cap);
				const windows = result.waived === null ? Math.ceil(length / (CAP_WINDOW_MINUTES * MINUTE)) : 0;
				expect(timeLines.length).toBe(windows);
			})
		);
	});

	test('charges nothing within grace, and something after it unless the plan is free', () => {
		fc.assert(
			fc.property(tariffPlan, entryInstant, fc.integer({ min: -5 * MINUTE, max: 5 * MINUTE }), (tariff, entry, delta) => {
				const length = Math.max(0, tariff.graceMinutes * MINUTE + delta);
				const result = priced(tariff, entry, entry + length);
				if (length <= tariff.graceMinutes * MINUTE) expect(result).toMatchObject({ totalPaise: 0, waived: 'grace' });
				else expect(result.waived).toBeNull();
			})
		);
	});

	test('a permit is always free', () => {
		fc.assert(
			fc.property(tariffPlan, entryInstant, stay, (tariff, entry, length) => {
				expect(priced(tariff, entry, entry + length, KOLKATA, true).totalPaise).toBe(0);
			})
		);
	});

	test('without a night window, the zone does not matter', () => {
		const daytimePlan = tariffPlan.map((p) => plan({ ...p, nightCharge: undefined }));
		fc.assert(
			fc.property(daytimePlan, entryInstant, stay, (tariff, entry, length) => {
				const inKolkata = priced(tariff, entry, entry + length, 'Asia/Kolkata');
				expect(priced(tariff, entry, entry + length, 'Europe/London')).toEqual(inKolkata);
				expect(priced(tariff, entry, entry + length, 'America/New_York')).toEqual(inKolkata);
			})
		);
	});

	test('charges one night per stretch of the stay the lot clock shows inside the window', () => {
		// Window edges avoid 01:00–02:59, where these zones skip or repeat wall time (those edge
		// cases have their own table above): there, "inside the window" depends on the convention.
		const safeClock = fc
			.tuple(fc.constantFrom(0, ...Array.from({ length: 21 }, (_, i) => i + 3)), fc.integer({ min: 0, max: 59 }))
			.map(([h, m]) => ({ text: hhmm(h, m), minute: h * 60 + m }));
		const window = fc.tuple(safeClock, safeClock).filter(([a, b]) => a.minute !== b.minute);
		const shortStay = fc.integer({ min: 1, max: 2 * DAY });
		fc.assert(
			fc.property(window, entryInstant, shortStay, fc.constantFrom(...ZONES), ([from, until], entry, length, zone) => {
				const nightCharge = { from: from.text, until: until.text, amountPaise: 1 };
				const tariff = plan({ charge: { kind: 'hourly', ratePerHourPaise: 0 }, nightCharge });
				const inside = (at: number) => {
					const { hour, minute } = localDateTimeAt(at, zone);
					const m = hour * 60 + minute;
					return from.minute < until.minute ? m >= from.minute && m < until.minute : m >= from.minute || m < until.minute;
				};
				// Being inside can only change on a whole minute, so sampling entry and every minute
				// boundary before exit finds every stretch.
				let stretches = 0;
				let wasInside = false;
				const samples = [entry];
				for (let at = Math.floor(entry / MINUTE + 1) * MINUTE; at < entry + length; at += MINUTE) samples.push(at);
				for (const at of samples) {
					const isInside = inside(at);
					if (isInside && !wasInside) stretches++;
					wasInside = isInside;
				}
				expect(priced(tariff, entry, entry + length, zone).totalPaise).toBe(stretches);
			}),
			{ numRuns: 60 }
		);
	});
});
