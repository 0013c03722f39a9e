/**
 * A reference model of what SPMS does with the simulated events: the lot's open sessions as the
 * system sees them, updated by the rules in `anomaly-rules.ts` and raising the anomalies those
 * rules imply, de-duplicated with `anomalyKey`. The simulator builds its truth with it, so truth
 * includes every knock-on effect of a fault (a misread exit that leaves a session open raises a
 * long stay later, unless the operator resolves the mismatch).
 *
 * Assumed service behaviour, which the driver must match:
 * - entry: unreadable read → `unreadable-plate`, nothing else; low confidence →
 *   `low-confidence` (the session still opens); hotlisted plate → `hotlist-hit` (once per
 *   session); plate already
 *   open → `duplicate-entry` and no second session; else a session opens and, when the class's
 *   open sessions then exceed its capacity, `over-capacity`.
 * - exit: unreadable → `unreadable-plate`; low confidence → `low-confidence`; then `exitMatch`:
 *   exact closes the session, none raises `exit-without-entry`, confusable raises
 *   `plate-mismatch` and, when `resolveMismatches`, an operator closes the candidate that really
 *   is the car (its plate equals the event's `truePlate`) at the exit's instant.
 * - scan: for each open session, `isLongStay` → `long-stay`; any permit of its plate for which
 *   `permitExpiredWhileParked` → `permit-expired-while-parked`.
 * Keys (`anomalyKey`): per session for duplicate-entry, long-stay, permit-expired, hotlist-hit;
 * per plate and local day for plate-mismatch (the read plate), exit-without-entry,
 * low-confidence; per local day for over-capacity; per event for unreadable-plate.
 */
import {
	anomalyKey,
	duplicateEntry,
	exitMatch,
	isLongStay,
	isLowConfidence,
	overCapacity,
	permitExpiredWhileParked,
	type AnomalyKeyInput,
	type AnomalyKind,
	type PermitValidity
} from '../anomaly-rules.ts';
import { normalisePlate } from '../plates.ts';
import type { VehicleClass } from '../tariff-plan.ts';
import { mayBeWithin } from './nearby.ts';
import type { SimEvent, SimLot } from './types.ts';

const LOT_ID = 'sim';

/** A session the system holds open. */
export interface LedgerSession {
	readonly plate: string;
	readonly vehicleClass: VehicleClass;
	readonly entryAt: number;
	/** Index of the entry event that opened it: the session's identity. */
	readonly entryIndex: number;
}

/** An anomaly the rules raise at one event, before the simulator attributes it to a visit. */
export interface RaisedAnomaly {
	readonly kind: AnomalyKind;
	/** The plate the system holds: the session's plate, or the read for event-based kinds. */
	readonly plate: string | null;
	readonly readPlate: string | null;
	readonly at: number;
	readonly eventIndex: number;
	/** The session concerned: the open one for session kinds, the candidate for plate-mismatch. */
	readonly entryIndex: number | null;
	readonly vehicleClass: VehicleClass | null;
	readonly key: string;
}

/** What applying one event did. */
export interface LedgerStep {
	readonly anomalies: readonly RaisedAnomaly[];
	/** The entry opened a session (its identity is the event's index). */
	readonly opened: boolean;
	/** The session the exit closed, by its entry index. */
	readonly closed: number | null;
}

/** The reference model; see the module comment for the rules it applies. */
export interface ReferenceLedger {
	/** Applies event number `index`; events must come in order. */
	apply(event: SimEvent, index: number): LedgerStep;
	/** The open session of `plate`, if any. */
	session(plate: string): LedgerSession | undefined;
	/** Plates of all open sessions. */
	openPlates(): string[];
	/** Open sessions of one class. */
	occupancy(vehicleClass: VehicleClass): number;
	/** When the session opened by entry `entryIndex` closed; undefined while open or if none. */
	closedAt(entryIndex: number): number | undefined;
}

/** What the ledger needs to know besides the events. */
export interface LedgerConfig {
	readonly lot: SimLot;
	/** Permits of a plate; read at each scan, so permits may be filled in while simulating. */
	readonly permitsFor: (plate: string) => readonly PermitValidity[];
	readonly isHotlisted: (plate: string) => boolean;
	readonly resolveMismatches: boolean;
}

/** A fresh {@link ReferenceLedger} with no open sessions. */
export function createReferenceLedger(config: LedgerConfig): ReferenceLedger {
	const { lot, permitsFor, isHotlisted, resolveMismatches } = config;
	const sessions = new Map<string, LedgerSession>();
	const counts = new Map<VehicleClass, number>();
	const closed = new Map<number, number>();
	const keys = new Set<string>();

	const occupancy = (vehicleClass: VehicleClass): number => counts.get(vehicleClass) ?? 0;
	const close = (session: LedgerSession, at: number): void => {
		sessions.delete(session.plate);
		counts.set(session.vehicleClass, occupancy(session.vehicleClass) - 1);
		closed.set(session.entryIndex, at);
	};

	function apply(event: SimEvent, index: number): LedgerStep {
		const raised: RaisedAnomaly[] = [];
		const raise = (
			keyInput: AnomalyKeyInput,
			fields: Omit<RaisedAnomaly, 'key' | 'kind' | 'at' | 'eventIndex'>
		): void => {
			const key = anomalyKey(keyInput);
			if (keys.has(key)) return;
			keys.add(key);
			raised.push({ kind: keyInput.kind, at: event.at, eventIndex: index, key, ...fields });
		};
		const step = (opened = false, closedIndex: number | null = null): LedgerStep => ({
			anomalies: raised,
			opened,
			closed: closedIndex
		});
		const { timeZone } = lot;

		if (event.type === 'scan') {
			for (const session of sessions.values()) {
				const base = { plate: session.plate, readPlate: null, entryIndex: session.entryIndex, vehicleClass: null };
				const sessionId = String(session.entryIndex);
				if (isLongStay(session.entryAt, event.at, lot.longStayMinutes)) {
					raise({ kind: 'long-stay', lotId: LOT_ID, sessionId }, base);
				}
				if (permitsFor(session.plate).some((permit) => permitExpiredWhileParked(permit, session.entryAt, event.at))) {
					raise({ kind: 'permit-expired-while-parked', lotId: LOT_ID, sessionId }, base);
				}
			}
			return step();
		}

		const normalised = normalisePlate(event.plateRead);
		if (!normalised.ok) {
			raise(
				{ kind: 'unreadable-plate', lotId: LOT_ID, eventId: String(index) },
				{ plate: null, readPlate: event.plateRead, entryIndex: null, vehicleClass: null }
			);
			return step();
		}
		const plate = normalised.value;
		const atMs = event.at;
		if (isLowConfidence(event.confidence, lot.lowConfidenceThreshold)) {
			raise(
				{ kind: 'low-confidence', lotId: LOT_ID, plate, atMs, timeZone },
				{ plate, readPlate: null, entryIndex: sessions.get(plate)?.entryIndex ?? null, vehicleClass: null }
			);
		}

		if (event.type === 'entry') {
			const open = sessions.get(plate);
			// One hit per session: a repeat read of a parked hotlisted car is the same alert.
			const sessionIndex = open?.entryIndex ?? index;
			if (isHotlisted(plate)) {
				raise(
					{ kind: 'hotlist-hit', lotId: LOT_ID, sessionId: String(sessionIndex) },
					{ plate, readPlate: null, entryIndex: sessionIndex, vehicleClass: null }
				);
			}
			if (duplicateEntry(open !== undefined)) {
				const sessionId = String(open?.entryIndex);
				raise(
					{ kind: 'duplicate-entry', lotId: LOT_ID, sessionId },
					{ plate, readPlate: null, entryIndex: open?.entryIndex ?? null, vehicleClass: null }
				);
				return step();
			}
			const { vehicleClass } = event;
			sessions.set(plate, { plate, vehicleClass, entryAt: event.at, entryIndex: index });
			counts.set(vehicleClass, occupancy(vehicleClass) + 1);
			const capacity = lot.capacity[vehicleClass];
			if (capacity !== undefined && overCapacity(occupancy(vehicleClass), capacity)) {
				raise(
					{ kind: 'over-capacity', lotId: LOT_ID, atMs, timeZone },
					{ plate: null, readPlate: null, entryIndex: index, vehicleClass }
				);
			}
			return step(true);
		}

		const exact = sessions.get(plate);
		if (exact !== undefined) {
			close(exact, event.at);
			return step(false, exact.entryIndex);
		}
		// Sessions that cannot be within maxCost are left out before the quadratic distance; the
		// outcome is the same as passing all of them.
		const near = [...sessions.values()]
			.filter((session) => mayBeWithin(plate, session.plate, lot.mismatchMaxCost))
			.map((session) => ({ id: String(session.entryIndex), session, plate: session.plate }));
		const match = exitMatch(plate, near, { maxCost: lot.mismatchMaxCost });
		switch (match.kind) {
			case 'none':
				raise(
					{ kind: 'exit-without-entry', lotId: LOT_ID, plate, atMs, timeZone },
					{ plate, readPlate: null, entryIndex: null, vehicleClass: null }
				);
				return step();
			case 'confusable': {
				const [best] = match.candidates;
				raise(
					{ kind: 'plate-mismatch', lotId: LOT_ID, plate, atMs, timeZone },
					{
						plate: best?.session.plate ?? null,
						readPlate: plate,
						entryIndex: best?.session.session.entryIndex ?? null,
						vehicleClass: null
					}
				);
				const confirmed = match.candidates.find((candidate) => candidate.session.plate === event.truePlate);
				if (resolveMismatches && confirmed !== undefined) {
					close(confirmed.session.session, event.at);
					return step(false, confirmed.session.session.entryIndex);
				}
				return step();
			}
			default:
				// exact and duplicate cannot happen: an exact read was handled above, and a plate
				// never has two open sessions because a duplicate entry opens none.
				throw new Error(`unexpected exit match ${match.kind} for ${plate}`);
		}
	}

	return {
		apply,
		session: (plate) => sessions.get(plate),
		openPlates: () => [...sessions.keys()],
		occupancy,
		closedAt: (entryIndex) => closed.get(entryIndex)
	};
}
