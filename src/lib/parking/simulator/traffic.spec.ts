import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isValidPlate, normalisePlate } from '../plates.ts';
import { findConfusableMatches, plateDistance } from '../similarity.ts';
import type { VehicleClass } from '../tariff-plan.ts';
import { NO_FAULTS } from './faults.ts';
import { createLocalClock } from './profile.ts';
import { scoreAnomalies } from './scoring.ts';
import { MAX_HOURS, defaultLot, simulateTraffic, type SimulationOptions } from './traffic.ts';
import type { AnomalyKind } from '../anomaly-rules.ts';
import type { FaultKind, SimEvent, Simulation, TruthAnomaly } from './types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Monday 2025-01-06 00:00 in Kolkata. */
const MONDAY_IST = Date.UTC(2025, 0, 5, 18, 30);

const week = (overrides: Partial<SimulationOptions> = {}): Simulation =>
	simulateTraffic({ seed: 2025, startMs: MONDAY_IST, hours: 7 * 24, ...overrides });
// One default week shared by the statistical tests (it takes a few hundred ms).
const defaultWeek = week();

/** A small lot with every fault frequent, so a short window exercises all of them. */
const busy = (seed: number, overrides: Partial<SimulationOptions> = {}): Simulation =>
	simulateTraffic({
		seed,
		startMs: MONDAY_IST,
		hours: 48,
		lot: { capacity: { car: 40, 'two-wheeler': 10, 'heavy-commercial': 2 }, longStayMinutes: 240 },
		arrivalsPerDay: 150,
		faults: {
			'misread-exit': 0.06,
			'duplicate-entry': 0.06,
			'missed-entry': 0.04,
			'unreadable-entry': 0.03,
			'missing-exit': 0.03,
			'long-stay': 0.04,
			'low-confidence': 0.06,
			'hotlist-visit': 0.03,
			'permit-expiry': 0.5,
			'over-capacity': 1
		},
		...overrides
	});

interface ReplayedSession {
	readonly plate: string;
	readonly vehicleClass: VehicleClass;
	readonly entryIndex: number;
	readonly entryAt: number;
	closeIndex: number | null;
}

/**
 * The system's sessions rebuilt from the events with plain arrays and `plateDistance`, not the
 * ledger: `check` sees the open sessions before each event.
 */
function replay(
	sim: Simulation,
	resolve: boolean,
	check: (event: SimEvent, index: number, open: readonly ReplayedSession[]) => void = () => {}
): ReplayedSession[] {
	const sessions: ReplayedSession[] = [];
	let open: ReplayedSession[] = [];
	sim.events.forEach((event, index) => {
		check(event, index, open);
		if (event.type === 'scan') return;
		const read = normalisePlate(event.plateRead);
		if (!read.ok) return;
		if (event.type === 'entry') {
			if (open.some((session) => session.plate === read.value)) return;
			const session = {
				plate: read.value,
				vehicleClass: event.vehicleClass,
				entryIndex: index,
				entryAt: event.at,
				closeIndex: null
			};
			sessions.push(session);
			open.push(session);
			return;
		}
		const closing =
			open.find((session) => session.plate === read.value) ??
			(resolve
				? open.find(
						(session) =>
							session.plate === event.truePlate && plateDistance(read.value, session.plate) <= sim.lot.mismatchMaxCost
					)
				: undefined);
		if (closing !== undefined) {
			closing.closeIndex = index;
			open = open.filter((session) => session !== closing);
		}
	});
	return sessions;
}

const ofKind = (sim: Simulation, kind: AnomalyKind): TruthAnomaly[] =>
	sim.truth.anomalies.filter((a) => a.kind === kind);

/** Checks everything that must hold for any simulation. */
function checkInvariants(sim: Simulation, resolve: boolean): void {
	const { events, lot, truth } = sim;
	const threshold = lot.longStayMinutes * MINUTE;
	// Time order, scan ticks, window.
	events.forEach((event, i) => {
		expect(event.at).toBeGreaterThanOrEqual(sim.startMs);
		expect(event.at).toBeLessThan(sim.endMs);
		if (i > 0) expect(event.at).toBeGreaterThanOrEqual(events[i - 1]?.at ?? 0);
	});
	// Visits: plates valid, exits after entries, reads as recorded.
	for (const visit of truth.visits) {
		expect(isValidPlate(visit.plate, lot.country)).toBe(true);
		if (visit.entryIndex !== null)
			expect(events[visit.entryIndex]).toMatchObject({ type: 'entry', truePlate: visit.plate, at: visit.arrivalAt });
		if (visit.exitIndex !== null) {
			expect(events[visit.exitIndex]).toMatchObject({ type: 'exit', truePlate: visit.plate, at: visit.exitAt });
			expect(visit.exitAt ?? 0).toBeGreaterThan(visit.arrivalAt);
			if (visit.entryIndex !== null) expect(visit.exitIndex).toBeGreaterThan(visit.entryIndex);
		}
	}
	// Every read is the true plate, a valid misread, or unreadable text listed in truth.
	const unreadable = new Set(ofKind(sim, 'unreadable-plate').map((a) => a.eventIndex));
	events.forEach((event, i) => {
		if (event.type === 'scan') return;
		if (unreadable.has(i)) expect(normalisePlate(event.plateRead).ok).toBe(false);
		else expect(isValidPlate(event.plateRead, lot.country)).toBe(true);
	});

	// Misreads and exits without entry, against sessions rebuilt independently.
	const mismatches = new Map(ofKind(sim, 'plate-mismatch').map((a) => [a.eventIndex, a]));
	const withoutEntry = new Set(ofKind(sim, 'exit-without-entry').map((a) => a.eventIndex));
	const sessions = replay(sim, resolve, (event, index, open) => {
		if (event.type !== 'exit') return;
		const plates = open.map((session) => session.plate);
		const read = normalisePlate(event.plateRead);
		if (!read.ok || plates.includes(read.value)) return;
		const near = findConfusableMatches(read.value, plates, { maxCost: lot.mismatchMaxCost });
		const mismatch = mismatches.get(index);
		if (near.length > 0) {
			expect(mismatch).toBeDefined();
			if (mismatch?.cause === 'misread-exit') {
				expect(near.map((match) => match.plate)).toEqual([event.truePlate]);
				expect(mismatch).toMatchObject({ plate: event.truePlate, readPlate: event.plateRead });
			}
		} else expect(withoutEntry.has(index)).toBe(true);
	});

	// Long stays: brute force over session intervals and scan ticks.
	const scans = events.flatMap((event, index) => (event.type === 'scan' ? [{ at: event.at, index }] : []));
	const expectedLongStays = sessions.flatMap((session) => {
		const tick = scans.find(
			(scan) =>
				scan.index > session.entryIndex &&
				scan.at - session.entryAt >= threshold &&
				(session.closeIndex === null || scan.index < session.closeIndex)
		);
		return tick === undefined ? [] : [`${session.entryIndex}@${tick.index}`];
	});
	expect(
		ofKind(sim, 'long-stay')
			.map((a) => `${a.entryIndex}@${a.eventIndex}`)
			.sort()
	).toEqual(expectedLongStays.sort());

	// Permits lapse while parked, noticed at the first tick at or after the lapse.
	for (const anomaly of ofKind(sim, 'permit-expired-while-parked')) {
		const session = sessions.find((s) => s.entryIndex === anomaly.entryIndex);
		const permit = sim.permits.find(
			(p) =>
				p.plate === session?.plate && p.validFrom <= (session?.entryAt ?? 0) && (session?.entryAt ?? 0) < p.validUntil
		);
		expect(permit).toBeDefined();
		expect(permit?.validUntil ?? Infinity).toBeLessThanOrEqual(anomaly.at);
		const previous = scans.filter((scan) => scan.index < anomaly.eventIndex).at(-1);
		expect(
			previous === undefined || previous.at < (permit?.validUntil ?? 0) || previous.at < (session?.entryAt ?? 0)
		).toBe(true);
	}

	// Low confidence: one per plate and local day; hotlist: every hotlisted entry read.
	const clock = createLocalClock(lot.timeZone);
	const lowKeys = new Set<string>();
	const hotlist = new Set(sim.hotlist.map((entry) => entry.plate));
	const hits: number[] = [];
	events.forEach((event, i) => {
		if (event.type === 'scan' || unreadable.has(i)) return;
		if (event.confidence < lot.lowConfidenceThreshold) lowKeys.add(`${event.plateRead}|${clock.at(event.at).day}`);
		if (event.type === 'entry' && hotlist.has(event.plateRead)) hits.push(i);
	});
	expect(new Set(ofKind(sim, 'low-confidence').map((a) => `${a.plate}|${a.localDay}`))).toEqual(lowKeys);
	expect(ofKind(sim, 'hotlist-hit').map((a) => a.eventIndex)).toEqual(hits);

	// Over capacity: the local days on which some class really held more cars than spaces.
	const overDays = new Set<string>();
	const byClass = new Map<VehicleClass, number>();
	const moves = truth.visits.flatMap((v) => [
		{ at: v.arrivalAt, rank: 1, vehicleClass: v.vehicleClass, delta: 1 },
		...(v.exitAt === null ? [] : [{ at: v.exitAt, rank: 0, vehicleClass: v.vehicleClass, delta: -1 }])
	]);
	moves.sort((a, b) => a.at - b.at || a.rank - b.rank);
	for (const move of moves) {
		const count = (byClass.get(move.vehicleClass) ?? 0) + move.delta;
		byClass.set(move.vehicleClass, count);
		if (count > (lot.capacity[move.vehicleClass] ?? 0)) overDays.add(clock.at(move.at).day);
	}
	expect(new Set(ofKind(sim, 'over-capacity').map((a) => a.localDay))).toEqual(overDays);

	// Causes: only long stays happen without a fault; every truth lies in its own window.
	for (const anomaly of truth.anomalies) {
		if (anomaly.cause === 'traffic') expect(anomaly.kind).toBe('long-stay');
		if (anomaly.kind === 'over-capacity') expect(anomaly.cause).toBe('over-capacity');
		expect(anomaly.window.fromMs).toBeLessThanOrEqual(anomaly.at);
		expect(anomaly.at).toBeLessThanOrEqual(anomaly.window.untilMs);
		expect(events[anomaly.eventIndex]?.at).toBe(anomaly.at);
	}
	// The truth scored against itself is perfect.
	const perfect = scoreAnomalies(
		truth,
		truth.anomalies.map((a) => ({ kind: a.kind, plate: a.plate, at: a.at, sessionRef: a.entryIndex ?? undefined }))
	);
	for (const score of Object.values(perfect.byKind)) expect(score).toMatchObject({ fp: 0, fn: 0 });
}

describe('simulateTraffic', () => {
	test('is a function of its options', () => {
		const options = { seed: 11, startMs: MONDAY_IST, hours: 30 };
		expect(simulateTraffic(options)).toEqual(simulateTraffic(options));
		expect(simulateTraffic({ ...options, seed: 12 }).events).not.toEqual(simulateTraffic(options).events);
	});

	test('invariants hold for the default week', () => {
		checkInvariants(defaultWeek, true);
		expect(defaultWeek.truth.stats.admitted).toBeGreaterThan(7000);
	});

	test('invariants hold for any seed, zone, threshold and resolution policy', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 2 ** 31 }),
				fc.constantFrom('Asia/Kolkata', 'America/New_York', 'Asia/Kathmandu', 'UTC'),
				fc.integer({ min: 30, max: 24 * 60 }),
				fc.boolean(),
				fc.constantFrom(0.5, 1),
				(seed, timeZone, longStayMinutes, resolveMismatches, mismatchMaxCost) => {
					const sim = busy(seed, {
						resolveMismatches,
						lot: {
							timeZone,
							longStayMinutes,
							mismatchMaxCost,
							capacity: { car: 40, 'two-wheeler': 10, 'heavy-commercial': 2 }
						}
					});
					checkInvariants(sim, resolveMismatches);
				}
			),
			{ numRuns: 25 }
		);
	});

	test.each(['in', 'br', 'eu', 'us', 'generic'] as const)('%s: plates are valid and the invariants hold', (country) => {
		const sim = busy(7, { lot: { country, capacity: { car: 40 }, longStayMinutes: 240 } });
		expect(sim.lot.country).toBe(country);
		for (const vehicle of sim.vehicles) expect(isValidPlate(vehicle.plate, country)).toBe(true);
		checkInvariants(sim, true);
	});

	test('over a week each per-visit fault is injected at its rate', () => {
		const { faults, stats } = defaultWeek.truth;
		const rates: [FaultKind, number][] = [
			['misread-exit', 0.01],
			['duplicate-entry', 0.01],
			['missed-entry', 0.005],
			['unreadable-entry', 0.003],
			['missing-exit', 0.002],
			['long-stay', 0.005],
			['low-confidence', 0.01],
			['hotlist-visit', 0.002]
		];
		for (const [kind, rate] of rates) {
			const n = stats.eligible[kind];
			const injected = faults.filter((fault) => fault.kind === kind).length;
			const tolerance = 4 * Math.sqrt(n * rate * (1 - rate));
			expect(Math.abs(injected + stats.skipped[kind] - n * rate), kind).toBeLessThanOrEqual(tolerance);
			expect(stats.skipped[kind], kind).toBeLessThanOrEqual(Math.max(2, injected * 0.1));
		}
	});

	test('each injected fault raises its anomaly', () => {
		const sim = busy(3);
		const expected: Partial<Record<FaultKind, AnomalyKind>> = {
			'misread-exit': 'plate-mismatch',
			'duplicate-entry': 'duplicate-entry',
			'unreadable-entry': 'unreadable-plate',
			'low-confidence': 'low-confidence',
			'hotlist-visit': 'hotlist-hit',
			'over-capacity': 'over-capacity'
		};
		for (const fault of sim.truth.faults) {
			const kind = expected[fault.kind];
			if (kind === undefined) continue;
			expect(
				sim.truth.anomalies.some((a) => a.kind === kind && a.eventIndex === fault.eventIndex),
				fault.kind
			).toBe(true);
		}
		for (const fault of sim.truth.faults.filter((f) => f.kind === 'missed-entry')) {
			const visit = sim.truth.visits.find((v) => v.plate === fault.plate && v.arrivalAt === fault.at);
			if (visit?.exitIndex != null)
				expect(
					sim.truth.anomalies.some((a) => a.kind === 'exit-without-entry' && a.eventIndex === visit.exitIndex)
				).toBe(true);
		}
		const kinds = new Set(sim.truth.anomalies.map((a) => a.kind));
		expect([...kinds].sort()).toEqual(
			[
				'duplicate-entry',
				'exit-without-entry',
				'hotlist-hit',
				'long-stay',
				'low-confidence',
				'over-capacity',
				'permit-expired-while-parked',
				'plate-mismatch',
				'unreadable-plate'
			].sort()
		);
	});

	test('without operator resolution a misread leaves the session open into a long stay', () => {
		const sim = busy(5, { resolveMismatches: false });
		const ghosts = sim.truth.anomalies.filter((a) => a.kind === 'long-stay' && a.cause === 'misread-exit');
		expect(ghosts.length).toBeGreaterThan(0);
		checkInvariants(sim, false);
	});

	test('clean traffic raises nothing but natural long stays', () => {
		const sim = week({ faults: NO_FAULTS, hours: 72 });
		expect(sim.truth.faults).toEqual([]);
		expect(new Set(sim.truth.anomalies.map((a) => `${a.kind}/${a.cause}`))).toEqual(new Set(['long-stay/traffic']));
	});

	test('fault rates do not move the arrivals', () => {
		// A lot that never fills, so no arrival is turned away in one run and admitted in the other.
		const roomy = { lot: { capacity: { car: 2000 } } };
		const arrivals = (sim: Simulation) => sim.truth.visits.filter((v) => v.role !== 'burst').map((v) => v.arrivalAt);
		const faulty = busy(9, roomy);
		expect(faulty.truth.faults.length).toBeGreaterThan(10);
		expect(arrivals(faulty)).toEqual(arrivals(busy(9, { ...roomy, faults: NO_FAULTS })));
	});

	// How fast it runs is a benchmark's question, not a test's (a loaded CI machine stretches any limit).
	test('a simulated week of a 500-space lot is a busy one', () => {
		const sim = week({ seed: 99 });
		expect(sim.events.length).toBeGreaterThan(15_000);
	});

	test('scan ticks fall on multiples of the interval', () => {
		const sim = simulateTraffic({ seed: 1, startMs: MONDAY_IST + 7 * MINUTE, hours: 3, scanIntervalMinutes: 10 });
		const ticks = sim.events.filter((e) => e.type === 'scan').map((e) => e.at);
		expect(ticks.length).toBe(18);
		for (const tick of ticks) expect(tick % (10 * MINUTE)).toBe(0);
	});

	test('defaultLot gives each country its zone and a 500-space lot', () => {
		const lot = defaultLot('us');
		expect(lot.timeZone).toBe('America/New_York');
		expect(Object.values(lot.capacity).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(500);
		expect(defaultLot().country).toBe('in');
	});

	test.each<[string, Partial<SimulationOptions>, RegExp]>([
		['fractional seed', { seed: 1.5 }, /seed/],
		['zero hours', { hours: 0 }, /hours/],
		['too many hours', { hours: MAX_HOURS + 1 }, /hours/],
		['unknown zone', { lot: { timeZone: 'Mars/Olympus' } }, /timeZone/],
		['negative capacity', { lot: { capacity: { car: -1 } } }, /capacity\.car/],
		['no spaces', { lot: { capacity: { car: 0 } } }, /at least one class/],
		['unknown class', { lot: { capacity: { tank: 3 } as never } }, /unknown class tank/],
		['zero long stay', { lot: { longStayMinutes: 0 } }, /longStayMinutes/],
		['threshold too high', { lot: { lowConfidenceThreshold: 0.99 } }, /lowConfidenceThreshold/],
		['zero max cost', { lot: { mismatchMaxCost: 0 } }, /mismatchMaxCost/],
		['negative demand', { arrivalsPerDay: -1 }, /arrivalsPerDay/],
		['scan interval', { scanIntervalMinutes: 0 }, /scanIntervalMinutes/],
		['rate above 1', { faults: { 'misread-exit': 1.5 } }, /misread-exit/],
		['rates summing past 1', { faults: { 'misread-exit': 0.6, 'long-stay': 0.6 } }, /add up/],
		['fractional population', { population: { commuters: 2.5 } }, /population\.commuters/]
	])('refuses %s', (_, overrides, message) => {
		expect(() => simulateTraffic({ seed: 1, startMs: MONDAY_IST, hours: 1, ...overrides })).toThrow(message);
	});

	test('rush hours follow the lot zone across a daylight-saving change', () => {
		// New York springs forward on 2025-03-09; the profile stays on local time.
		const sim = simulateTraffic({ seed: 4, startMs: Date.UTC(2025, 2, 7, 5), hours: 5 * 24, lot: { country: 'us' } });
		const clock = createLocalClock('America/New_York');
		const byHour = Array.from({ length: 24 }, () => 0);
		for (const v of sim.truth.visits) {
			const slot = clock.at(v.arrivalAt);
			if (!slot.weekend) byHour[slot.hour] = (byHour[slot.hour] ?? 0) + 1;
		}
		const peak = byHour.indexOf(Math.max(...byHour));
		expect([8, 9, 17, 18]).toContain(peak);
		expect((byHour[3] ?? 0) * 10).toBeLessThan(byHour[9] ?? 0);
	});
});
