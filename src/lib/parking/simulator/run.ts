/**
 * The simulator's event loop: an agenda of arrivals, exits, re-reads, over-capacity bursts and
 * scan ticks, processed in time order; each camera read is applied to the reference ledger at
 * once, so faults are built against the sessions the system really holds at that instant.
 */
import type { VehicleClass } from '../tariff-plan.ts';
import { wallTimeToUtc } from '../time-zone.ts';
import { goodConfidence, misreadPlate, poorConfidence, unreadableRead, VISIT_FAULT_KINDS } from './faults.ts';
import { MinHeap } from './heap.ts';
import { createReferenceLedger } from './ledger.ts';
import { createPlateFactory } from './plates-gen.ts';
import { classWeights, createPopulation, type PoolVehicle } from './population.ts';
import { arrivalTimes, commuterShare, createLocalClock, sampleLongStayMs, sampleStayMs } from './profile.ts';
import { createRandom } from './random.ts';
import { toVisit, truthAnomalies, type Attributed, type VisitState } from './truth.ts';
import type { ResolvedOptions } from './traffic.ts';
import {
	FAULT_KINDS,
	type FaultKind,
	type InjectedFault,
	type SimEvent,
	type Simulation,
	type VisitRole
} from './types.ts';

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
/** Share of non-commuter arrivals that are returning occasional visitors rather than new plates. */
const OCCASIONAL_SHARE = 0.35;
/** Largest over-capacity burst: a class needing more cars to overflow is left alone that day. */
const MAX_BURST = 12;

interface Burst {
	readonly vehicleClass: VehicleClass;
	added: number;
	readonly limit: number;
}

type Pending = { at: number } & (
	| { kind: 'exit' | 'reread'; visit: VisitState }
	| { kind: 'arrival' | 'burst-check' | 'scan' }
	| { kind: 'burst-car'; burst: Burst }
);
type Agenda = Pending & { seq: number };
// At one instant: cars leave before others arrive, and the scan sees the lot after both.
const RANK: Record<Agenda['kind'], number> = {
	exit: 0,
	reread: 1,
	arrival: 2,
	'burst-car': 2,
	'burst-check': 3,
	scan: 4
};

const counter = (): Record<FaultKind, number> =>
	Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;

/** Runs a simulation on validated options; see `simulateTraffic`. */
export function runSimulation(options: ResolvedOptions): Simulation {
	const { startMs, endMs, lot, rates, scanIntervalMs } = options;
	const root = createRandom(options.seed);
	const rnd = {
		arrivals: root.fork('arrivals'),
		choice: root.fork('choice'),
		stays: root.fork('stays'),
		faults: root.fork('faults'),
		reads: root.fork('reads'),
		bursts: root.fork('bursts')
	};
	const clock = createLocalClock(lot.timeZone);
	const plates = createPlateFactory(lot.country, root.fork('plates'), options.plateStyle);
	const population = createPopulation(root.fork('population'), plates, lot, options.population, {
		startMs,
		endMs,
		permitExpiryRate: rates['permit-expiry']
	});
	const permitsByPlate = new Map(population.permits.map((permit) => [permit.plate, [permit]]));
	const hotlisted = new Set(population.hotlist.map((entry) => entry.plate));
	const ledger = createReferenceLedger({
		lot,
		permitsFor: (plate) => permitsByPlate.get(plate) ?? [],
		isHotlisted: (plate) => hotlisted.has(plate),
		resolveMismatches: options.resolveMismatches
	});
	const weights = classWeights(lot);
	const capacityOf = (vehicleClass: VehicleClass): number => lot.capacity[vehicleClass] ?? 0;

	const events: SimEvent[] = [];
	const visits: VisitState[] = [];
	const raised: Attributed[] = [];
	const sessionVisit = new Map<number, VisitState>();
	const faults: InjectedFault[] = [];
	const eligible = counter();
	const skipped = counter();
	const stats = { arrivals: 0, admitted: 0, turnedAway: 0 };
	const inside = new Set<string>();
	const insideByClass = new Map<VehicleClass, number>();
	const guard = new Set<string>();
	const agenda = new MinHeap<Agenda>((a, b) => (a.at - b.at || RANK[a.kind] - RANK[b.kind] || a.seq - b.seq) < 0);
	let seq = 0;
	const schedule = (item: Pending): void => {
		if (item.at < endMs) agenda.push({ ...item, seq: seq++ });
	};

	/** Appends an event, applies it to the ledger and files what it raised under its visit. */
	function emit(event: SimEvent, visit: VisitState | null): number {
		const index = events.length;
		events.push(event);
		const step = ledger.apply(event, index);
		if (step.opened && visit !== null) {
			visit.sessionIndex = index;
			sessionVisit.set(index, visit);
		}
		for (const anomaly of step.anomalies) {
			const sessionOwner = anomaly.entryIndex === null ? undefined : sessionVisit.get(anomaly.entryIndex);
			const owner =
				event.type === 'scan' || (anomaly.kind === 'duplicate-entry' && sessionOwner !== undefined)
					? sessionOwner
					: visit;
			raised.push({ anomaly, visit: owner ?? null });
		}
		return index;
	}
	const inject = (kind: FaultKind, plate: string, at: number, eventIndex: number | null): void => {
		faults.push({ kind, plate, at, eventIndex });
	};
	/**
	 * True (and remembered) the first time `what` strikes `plate` on the local day of `at`, so an
	 * anomaly keyed per plate and day is raised once per fault, never merged with another's.
	 */
	const claim = (what: string, plate: string, at: number): boolean => {
		const key = `${what}|${plate}|${clock.at(at).day}`;
		if (guard.has(key)) return false;
		guard.add(key);
		return true;
	};
	const available = (vehicle: PoolVehicle): boolean =>
		!inside.has(vehicle.plate) && ledger.session(vehicle.plate) === undefined;
	const pickFrom = (
		pool: readonly PoolVehicle[],
		extra: (vehicle: PoolVehicle) => boolean = () => true
	): PoolVehicle | null => {
		if (pool.length === 0) return null;
		for (let attempt = 0; attempt < 8; attempt++) {
			const vehicle = rnd.choice.pick(pool);
			if (available(vehicle) && extra(vehicle)) return vehicle;
		}
		return null;
	};
	const enter = (visit: VisitState): void => {
		visits.push(visit);
		inside.add(visit.plate);
		insideByClass.set(visit.vehicleClass, (insideByClass.get(visit.vehicleClass) ?? 0) + 1);
	};

	function onArrival(at: number): void {
		stats.arrivals++;
		eligible['hotlist-visit']++;
		const slot = clock.at(at);
		let role: VisitRole = 'visitor';
		let vehicle: PoolVehicle | null = null;
		if (rnd.choice.chance(rates['hotlist-visit'])) {
			vehicle = pickFrom(
				population.hotlisted,
				(candidate) => !guard.has(`hotlist-visit|${candidate.plate}|${slot.day}`)
			);
			if (vehicle === null) skipped['hotlist-visit']++;
			else role = 'hotlisted';
		}
		if (vehicle === null && rnd.choice.chance(commuterShare(slot))) {
			vehicle = pickFrom(population.commuters);
			if (vehicle !== null) role = 'commuter';
		}
		if (vehicle === null && rnd.choice.chance(OCCASIONAL_SHARE)) {
			vehicle = pickFrom(population.occasional);
			if (vehicle !== null) role = 'occasional';
		}
		const vehicleClass = vehicle?.vehicleClass ?? rnd.choice.weighted(weights);
		const capacity = capacityOf(vehicleClass);
		if ((insideByClass.get(vehicleClass) ?? 0) >= capacity || ledger.occupancy(vehicleClass) >= capacity) {
			stats.turnedAway++;
			if (role === 'hotlisted') skipped['hotlist-visit']++;
			return;
		}
		stats.admitted++;
		const plate = vehicle?.plate ?? plates.fresh(vehicleClass);

		// Drawn for every admitted visit, whatever the rates, so changing a rate does not reshuffle the traffic.
		let fault = rnd.faults.weighted<FaultKind | null>([
			...VISIT_FAULT_KINDS.map((kind) => [kind, rates[kind]] as const),
			[null, Math.max(0, 1 - VISIT_FAULT_KINDS.reduce((total, kind) => total + rates[kind], 0))]
		]);
		const lowAtEntry = rnd.faults.chance(0.5);
		if (role === 'hotlisted') {
			fault = 'hotlist-visit';
			claim('hotlist-visit', plate, at);
		} else {
			for (const kind of VISIT_FAULT_KINDS) eligible[kind]++;
		}
		const stay = sampleStayMs(rnd.stays, role === 'commuter' ? 'commuter' : 'visitor', slot);
		const longStay = sampleLongStayMs(rnd.stays, lot.longStayMinutes);
		const leaveAt = at + (fault === 'long-stay' ? longStay : stay);
		const exitAt = fault === 'missing-exit' || leaveAt >= endMs ? null : leaveAt;
		let lowConfidenceAt: VisitState['lowConfidenceAt'] = null;
		if (fault === 'low-confidence') lowConfidenceAt = lowAtEntry || exitAt === null ? 'entry' : 'exit';
		// A car seen leaving without an entry on record raises exit-without-entry on its exit's day.
		const claimed = ((): boolean => {
			if (fault === 'missed-entry' || fault === 'unreadable-entry') {
				return claim(fault, plate, at) && (exitAt === null || claim('exit-without-entry', plate, exitAt));
			}
			return lowConfidenceAt === 'entry' ? claim('low-confidence', plate, at) : true;
		})();
		if (!claimed && fault !== null) {
			skipped[fault]++;
			fault = null;
			lowConfidenceAt = null;
		}

		const visit: VisitState = {
			plate,
			vehicleClass,
			role,
			arrivalAt: at,
			exitAt,
			fault,
			lowConfidenceAt,
			entryIndex: null,
			exitIndex: null,
			sessionIndex: null
		};
		if (fault === null && vehicle?.permit?.lapsePending === true) lapsePermit(visit, vehicle.permit);
		enter(visit);
		if (fault !== 'missed-entry') {
			const plateRead = fault === 'unreadable-entry' ? unreadableRead(plate, rnd.reads) : plate;
			const confidence =
				lowConfidenceAt === 'entry'
					? poorConfidence(rnd.reads, lot.lowConfidenceThreshold)
					: goodConfidence(rnd.reads, lot.lowConfidenceThreshold);
			visit.entryIndex = emit(
				{ type: 'entry', at, plateRead, truePlate: plate, vehicleClass, confidence, gate: 'entry' },
				visit
			);
		}
		if (fault !== null && fault !== 'misread-exit' && fault !== 'duplicate-entry' && lowConfidenceAt !== 'exit') {
			inject(fault, plate, at, visit.entryIndex);
		}
		if (exitAt !== null) schedule({ kind: 'exit', at: exitAt, visit });
		if (fault === 'duplicate-entry') {
			// Strictly before the exit: an exit at the same instant would be applied first.
			const delay = Math.min(rnd.faults.int(60, 300), Math.floor(((exitAt ?? endMs) - at) / 2 / SECOND_MS)) * SECOND_MS;
			if (delay >= SECOND_MS && at + delay < endMs) schedule({ kind: 'reread', at: at + delay, visit });
			else {
				skipped['duplicate-entry']++;
				visit.fault = null;
			}
		}
	}

	/** Moves a permit's end into this stay, just before a scan tick that finds the car still parked. */
	function lapsePermit(
		visit: VisitState,
		permit: { validFromMs: number; validUntilMs: number; lapsePending: boolean }
	): void {
		const at = visit.arrivalAt;
		if (!(permit.validFromMs <= at && at < permit.validUntilMs)) return;
		const lastTick = Math.min(visit.exitAt ?? endMs, endMs) - 1;
		const firstTick = Math.ceil((at + scanIntervalMs) / scanIntervalMs) * scanIntervalMs;
		if (firstTick > lastTick) return;
		const ticks = Math.floor((lastTick - firstTick) / scanIntervalMs) + 1;
		const tick = firstTick + rnd.faults.int(0, ticks - 1) * scanIntervalMs;
		permit.validUntilMs = tick - rnd.faults.int(0, scanIntervalMs / MINUTE_MS - 1) * MINUTE_MS;
		permit.lapsePending = false;
		visit.fault = 'permit-expiry';
		inject('permit-expiry', visit.plate, permit.validUntilMs, null);
	}

	function onExit(visit: VisitState, at: number): void {
		inside.delete(visit.plate);
		insideByClass.set(visit.vehicleClass, (insideByClass.get(visit.vehicleClass) ?? 0) - 1);
		let plateRead = visit.plate;
		if (visit.fault === 'misread-exit') {
			const misread = claim('misread-exit', visit.plate, at)
				? misreadPlate(visit.plate, rnd.reads, {
						country: lot.country,
						openPlates: ledger.openPlates(),
						maxCost: lot.mismatchMaxCost,
						isForbidden: (plate) => plates.isIssued(plate)
					})
				: null;
			if (misread === null) {
				skipped['misread-exit']++;
				visit.fault = null;
			} else plateRead = misread;
		}
		let poor = false;
		if (visit.lowConfidenceAt === 'exit') {
			poor = claim('low-confidence', visit.plate, at);
			if (!poor) {
				skipped['low-confidence']++;
				visit.fault = null;
			}
		}
		const confidence = poor
			? poorConfidence(rnd.reads, lot.lowConfidenceThreshold)
			: goodConfidence(rnd.reads, lot.lowConfidenceThreshold);
		visit.exitIndex = emit({ type: 'exit', at, plateRead, truePlate: visit.plate, confidence, gate: 'exit' }, visit);
		if (visit.fault === 'misread-exit' || (visit.fault === 'low-confidence' && poor)) {
			inject(visit.fault, visit.plate, at, visit.exitIndex);
		}
	}

	function onReread(visit: VisitState, at: number): void {
		const session = ledger.session(visit.plate);
		if (!inside.has(visit.plate) || visit.sessionIndex === null || session?.entryIndex !== visit.sessionIndex) {
			skipped['duplicate-entry']++;
			visit.fault = null;
			return;
		}
		const { plate, vehicleClass } = visit;
		const confidence = goodConfidence(rnd.reads, lot.lowConfidenceThreshold);
		const index = emit(
			{ type: 'entry', at, plateRead: plate, truePlate: plate, vehicleClass, confidence, gate: 'entry' },
			visit
		);
		inject('duplicate-entry', plate, at, index);
	}

	function onBurstCheck(at: number): void {
		// The class closest to overflowing, counting both what is really inside and what the system holds.
		const needs = weights.map(([vehicleClass]) => {
			const occupied = Math.min(insideByClass.get(vehicleClass) ?? 0, ledger.occupancy(vehicleClass));
			return { vehicleClass, need: capacityOf(vehicleClass) - occupied + 1 };
		});
		const best = needs.reduce((a, b) => (b.need < a.need ? b : a));
		if (best.need > MAX_BURST) {
			skipped['over-capacity']++;
			return;
		}
		onBurstCar({ vehicleClass: best.vehicleClass, added: 0, limit: best.need + MAX_BURST }, at);
	}

	function onBurstCar(burst: Burst, at: number): void {
		const { vehicleClass } = burst;
		const plate = plates.fresh(vehicleClass);
		const leaveAt = at + Math.round(rnd.bursts.uniform(20, 60) * 60) * SECOND_MS;
		const visit: VisitState = {
			plate,
			vehicleClass,
			role: 'burst',
			arrivalAt: at,
			exitAt: leaveAt < endMs ? leaveAt : null,
			fault: 'over-capacity',
			lowConfidenceAt: null,
			entryIndex: null,
			exitIndex: null,
			sessionIndex: null
		};
		enter(visit);
		const confidence = goodConfidence(rnd.reads, lot.lowConfidenceThreshold);
		visit.entryIndex = emit(
			{ type: 'entry', at, plateRead: plate, truePlate: plate, vehicleClass, confidence, gate: 'entry' },
			visit
		);
		if (visit.exitAt !== null) schedule({ kind: 'exit', at: visit.exitAt, visit });
		burst.added++;
		const capacity = capacityOf(vehicleClass);
		if ((insideByClass.get(vehicleClass) ?? 0) > capacity && ledger.occupancy(vehicleClass) > capacity) {
			inject('over-capacity', plate, at, visit.entryIndex);
		} else if (burst.added < burst.limit && at + 30 * SECOND_MS < endMs) {
			schedule({ kind: 'burst-car', at: at + rnd.bursts.int(10, 30) * SECOND_MS, burst });
		} else {
			skipped['over-capacity']++;
		}
	}

	for (const at of arrivalTimes(rnd.arrivals, clock, startMs, endMs, options.arrivalsPerDay))
		schedule({ kind: 'arrival', at });
	for (let tick = Math.ceil(startMs / scanIntervalMs) * scanIntervalMs; tick < endMs; tick += scanIntervalMs) {
		schedule({ kind: 'scan', at: tick });
	}
	// One chance of a burst per local day, between 10:00 and 18:00, on days whose whole span is simulated.
	for (let date = clock.at(startMs).date; ;) {
		const from = wallTimeToUtc(date, 10 * 60, lot.timeZone);
		if (from >= endMs) break;
		const until = wallTimeToUtc(date, 18 * 60, lot.timeZone);
		if (from >= startMs && until <= endMs) {
			eligible['over-capacity']++;
			const at = from + rnd.bursts.int(0, Math.floor((until - from) / SECOND_MS)) * SECOND_MS;
			if (rnd.bursts.chance(rates['over-capacity'])) schedule({ kind: 'burst-check', at });
		}
		date = clock.at(clock.dayBounds(date).untilMs).date;
	}
	eligible['permit-expiry'] = population.permits.filter(
		(permit) => permit.lapsePending || permit.validUntilMs > startMs
	).length;

	for (let item = agenda.pop(); item !== undefined; item = agenda.pop()) {
		switch (item.kind) {
			case 'arrival':
				onArrival(item.at);
				break;
			case 'exit':
				onExit(item.visit, item.at);
				break;
			case 'reread':
				onReread(item.visit, item.at);
				break;
			case 'burst-check':
				onBurstCheck(item.at);
				break;
			case 'burst-car':
				onBurstCar(item.burst, item.at);
				break;
			case 'scan':
				emit({ type: 'scan', at: item.at }, null);
				break;
		}
	}
	skipped['permit-expiry'] += population.permits.filter((permit) => permit.lapsePending).length;

	const anomalies = truthAnomalies(raised, { clock, ledger, endMs });
	return {
		lot,
		startMs,
		endMs,
		vehicles: population.vehicles,
		permits: population.permits.map(({ plate, kind, validFromMs, validUntilMs }) => ({
			plate,
			kind,
			validFrom: validFromMs,
			validUntil: validUntilMs
		})),
		hotlist: population.hotlist,
		events,
		truth: {
			anomalies,
			faults,
			visits: visits.map(toVisit),
			stats: { ...stats, eligible, skipped }
		}
	};
}
