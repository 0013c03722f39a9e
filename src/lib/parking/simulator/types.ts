/**
 * The shapes the traffic simulator hands to its driver and to the anomaly evaluation: events to
 * apply in order, the setup data to load before them, and the ground truth to score against.
 */
import type { AnomalyKind } from '../anomaly-rules.ts';
import type { PlateCountry } from '../plates.ts';
import type { VehicleClass } from '../tariff-plan.ts';

/** A plate read at the entry gate. `truePlate` is the ground truth; the system sees `plateRead`. */
export interface EntryEvent {
	readonly type: 'entry';
	readonly at: number;
	readonly plateRead: string;
	readonly truePlate: string;
	readonly vehicleClass: VehicleClass;
	readonly confidence: number;
	readonly gate: 'entry';
}

/** A plate read at the exit gate. */
export interface ExitEvent {
	readonly type: 'exit';
	readonly at: number;
	readonly plateRead: string;
	readonly truePlate: string;
	readonly confidence: number;
	readonly gate: 'exit';
}

/** A tick of the periodic job that runs the long-stay and permit-expiry checks at `at`. */
export interface ScanEvent {
	readonly type: 'scan';
	readonly at: number;
}

/** An event for the driver to apply, in array order. */
export type SimEvent = EntryEvent | ExitEvent | ScanEvent;

/** The lot settings the driver configures before applying the events. */
export interface SimLot {
	readonly country: PlateCountry;
	/** IANA zone: decides local rush hours, weekends and the local days anomaly keys use. */
	readonly timeZone: string;
	/** Spaces per vehicle class; classes left out never arrive. */
	readonly capacity: Readonly<Partial<Record<VehicleClass, number>>>;
	readonly longStayMinutes: number;
	/** Reads below this confidence are `low-confidence` anomalies (`isLowConfidence`). */
	readonly lowConfidenceThreshold: number;
	/** `maxCost` for `exitMatch`: how far a misread may be from an open session's plate. */
	readonly mismatchMaxCost: number;
}

/** A permit to load before the events; `validUntil` is exclusive, as in `PermitValidity`. */
export interface SimPermit {
	readonly plate: string;
	readonly kind: 'monthly' | 'resident' | 'staff';
	readonly validFrom: number;
	readonly validUntil: number;
}

/** A hotlist entry to load before the events. */
export interface SimHotlistEntry {
	readonly plate: string;
	readonly reason: string;
	readonly priority: 'low' | 'medium' | 'high';
}

/** A returning vehicle (regular, permit holder, hotlisted), e.g. to seed the vehicles table. */
export interface SimVehicle {
	readonly plate: string;
	readonly vehicleClass: VehicleClass;
	readonly role: 'commuter' | 'occasional' | 'hotlisted';
}

/** The faults the simulator can inject. */
export const FAULT_KINDS = [
	'misread-exit',
	'duplicate-entry',
	'missed-entry',
	'unreadable-entry',
	'missing-exit',
	'long-stay',
	'low-confidence',
	'hotlist-visit',
	'permit-expiry',
	'over-capacity'
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Who a visit was. `burst` cars are the ones an over-capacity fault lets in on top of a full class. */
export type VisitRole = 'commuter' | 'occasional' | 'visitor' | 'hotlisted' | 'burst';

/** One car's stay as it really happened, whatever the cameras saw. */
export interface Visit {
	readonly plate: string;
	readonly vehicleClass: VehicleClass;
	readonly role: VisitRole;
	readonly arrivalAt: number;
	/** Null when the car is still inside at the end of the window. */
	readonly exitAt: number | null;
	/** Index of the visit's first entry event; null when the entry was missed. */
	readonly entryIndex: number | null;
	readonly exitIndex: number | null;
	readonly fault: FaultKind | null;
}

/** A fault that was actually injected (an attempted fault that could not be built is only counted in `stats.skipped`). */
export interface InjectedFault {
	readonly kind: FaultKind;
	/** The true plate of the car concerned; for `over-capacity`, the last burst car's. */
	readonly plate: string;
	readonly at: number;
	/** The event that carries the fault; null for a missed entry and a lapsed permit. */
	readonly eventIndex: number | null;
}

/**
 * One anomaly the rules must raise, given the events. `plate` is the car's true plate (null for
 * `over-capacity`); a detection matches when it has the same kind and plate (or `readPlate`)
 * and its instant lies in `window` (the visit, or the local day for `over-capacity`).
 */
export interface TruthAnomaly {
	readonly kind: AnomalyKind;
	readonly plate: string | null;
	/** What the camera read when it is not the true plate (plate-mismatch, unreadable-plate). */
	readonly readPlate: string | null;
	/** When the rules raise it: the `at` of `eventIndex`. */
	readonly at: number;
	readonly eventIndex: number;
	/** The entry event of the session concerned (a detection's `sessionRef`), when there is one. */
	readonly entryIndex: number | null;
	/** `over-capacity`: the class over its capacity. */
	readonly vehicleClass: VehicleClass | null;
	/** YYYY-MM-DD of `at` in the lot's zone. */
	readonly localDay: string;
	/** Instants (both ends inclusive) at which a detection of this anomaly may be stamped. */
	readonly window: { readonly fromMs: number; readonly untilMs: number };
	/** The fault that made it happen, or `traffic` for a natural long stay. */
	readonly cause: FaultKind | 'traffic';
}

/** Counts behind the truth, for rate checks and CLI output. */
export interface SimulationStats {
	/** Arrivals drawn from the profile, before capacity turned some away. */
	readonly arrivals: number;
	readonly admitted: number;
	readonly turnedAway: number;
	/** How many chances each fault had (visits, permit holders, local days). */
	readonly eligible: Readonly<Record<FaultKind, number>>;
	/** Faults drawn but not injected because they could not be built without side effects. */
	readonly skipped: Readonly<Record<FaultKind, number>>;
}

/** The ground truth of a simulation. */
export interface SimulationTruth {
	readonly anomalies: readonly TruthAnomaly[];
	readonly faults: readonly InjectedFault[];
	readonly visits: readonly Visit[];
	readonly stats: SimulationStats;
}

/** Everything {@link simulateTraffic} produces: setup data first, then events and truth. */
export interface Simulation {
	readonly lot: SimLot;
	readonly startMs: number;
	readonly endMs: number;
	readonly vehicles: readonly SimVehicle[];
	readonly permits: readonly SimPermit[];
	readonly hotlist: readonly SimHotlistEntry[];
	readonly events: readonly SimEvent[];
	readonly truth: SimulationTruth;
}
