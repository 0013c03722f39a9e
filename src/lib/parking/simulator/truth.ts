/**
 * Turns what the reference ledger raised into the simulator's truth: each anomaly attributed to
 * the visit it concerns, with that visit's true plate, the fault that caused it and the window a
 * detection of it may fall in.
 */
import type { AnomalyKind } from '../anomaly-rules.ts';
import type { VehicleClass } from '../tariff-plan.ts';
import type { RaisedAnomaly, ReferenceLedger } from './ledger.ts';
import type { LocalClock } from './profile.ts';
import type { FaultKind, TruthAnomaly, Visit, VisitRole } from './types.ts';

/** A visit while it is being simulated. */
export interface VisitState {
	plate: string;
	vehicleClass: VehicleClass;
	role: VisitRole;
	arrivalAt: number;
	exitAt: number | null;
	fault: FaultKind | null;
	lowConfidenceAt: 'entry' | 'exit' | null;
	entryIndex: number | null;
	exitIndex: number | null;
	/** The entry event that opened the visit's session in the system, if one did. */
	sessionIndex: number | null;
}

/** A raised anomaly and the visit it concerns (null only for nothing the simulator produces). */
export interface Attributed {
	readonly anomaly: RaisedAnomaly;
	readonly visit: VisitState | null;
}

/** The anomalies each fault stands for (a missed or unreadable entry can also surface as a mismatch). */
const EXPLAINS: Record<FaultKind, readonly AnomalyKind[]> = {
	'misread-exit': ['plate-mismatch'],
	'duplicate-entry': ['duplicate-entry'],
	'missed-entry': ['exit-without-entry', 'plate-mismatch'],
	'unreadable-entry': ['unreadable-plate', 'exit-without-entry', 'plate-mismatch'],
	'missing-exit': ['long-stay'],
	'long-stay': ['long-stay'],
	'low-confidence': ['low-confidence'],
	'hotlist-visit': ['hotlist-hit'],
	'permit-expiry': ['permit-expired-while-parked'],
	'over-capacity': ['over-capacity']
};

/**
 * The fault behind an anomaly of a visit: the visit's fault when it explains the kind, or when
 * the anomaly comes after the car left (a session an unresolved misread left open); otherwise
 * ordinary traffic, e.g. a car with a duplicate read that also happened to stay long.
 */
function causeOf(anomaly: RaisedAnomaly, visit: VisitState | null): FaultKind | 'traffic' {
	const fault = visit?.fault ?? null;
	if (fault === null) return 'traffic';
	if (EXPLAINS[fault].includes(anomaly.kind)) return fault;
	return visit?.exitAt != null && anomaly.at > visit.exitAt ? fault : 'traffic';
}

/** The finished, read-only form of a visit. */
export function toVisit(visit: VisitState): Visit {
	const { plate, vehicleClass, role, arrivalAt, exitAt, entryIndex, exitIndex, fault } = visit;
	return { plate, vehicleClass, role, arrivalAt, exitAt, entryIndex, exitIndex, fault };
}

/**
 * The truth anomalies, once the simulation has ended (windows need to know when sessions
 * closed). A visit's window runs from its arrival to its exit or, when its session stayed open
 * longer (an unresolved mismatch), until the session closed or the window ended; an
 * over-capacity anomaly's window is its local day.
 */
export function truthAnomalies(
	raised: readonly Attributed[],
	context: { readonly clock: LocalClock; readonly ledger: ReferenceLedger; readonly endMs: number }
): TruthAnomaly[] {
	const { clock, ledger, endMs } = context;
	const visitWindow = (visit: VisitState): TruthAnomaly['window'] => {
		let untilMs = visit.exitAt ?? endMs;
		if (visit.sessionIndex !== null) untilMs = Math.max(untilMs, ledger.closedAt(visit.sessionIndex) ?? endMs);
		return { fromMs: visit.arrivalAt, untilMs };
	};
	return raised.map(({ anomaly, visit }): TruthAnomaly => {
		const slot = clock.at(anomaly.at);
		const overCapacity = anomaly.kind === 'over-capacity';
		const day = clock.dayBounds(slot.date);
		return {
			kind: anomaly.kind,
			plate: overCapacity ? null : (visit?.plate ?? anomaly.plate),
			readPlate: anomaly.readPlate,
			at: anomaly.at,
			eventIndex: anomaly.eventIndex,
			entryIndex: anomaly.entryIndex ?? visit?.sessionIndex ?? null,
			vehicleClass: anomaly.vehicleClass,
			localDay: slot.day,
			window: overCapacity || visit === null ? { fromMs: day.fromMs, untilMs: day.untilMs - 1 } : visitWindow(visit),
			cause: causeOf(anomaly, visit)
		};
	});
}
