/**
 * Applies a traffic simulation (`src/lib/parking/simulator`) through the real services, as the
 * gates, the scan job and an operator would, with each event's instant passed in: the one
 * driver behind `npm run simulate` (a lot full of believable data) and `npm run eval:anomalies`
 * (what the system raised, scored against the simulator's truth).
 *
 * It follows the simulator's driver contract (see `simulator/index.ts`): the lot is set up from
 * `simulation.lot`, permits and hotlist are loaded first, entries and exits are gate reads,
 * `scan` runs both checks, and a `plate-mismatch` is confirmed at once by an operator who closes
 * the candidate that really is the car. `truePlate` is read only for that confirmation.
 */
import {
	PLATE_COUNTRIES,
	VEHICLE_CLASSES,
	type AnomalyKind,
	type PlateCountry
} from '../../parking/index.ts';
import type { DetectedAnomaly, SimEvent, SimLot, Simulation } from '../../parking/simulator/index.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { anomalies, reviewAnomaly } from './anomalies.ts';
import { createGate, createLot, gateInputSchema, gates, lotInputSchema, type Lot } from './lots.ts';
import { addToHotlist, createPermit, hotlistHits, hotlistInputSchema, permitInputSchema, permits } from './permits.ts';
import { recordUnreadableRead } from './reads.ts';
import { scanLongStays, scanPermitExpiries } from './scans.ts';
import {
	EXIT_MATCH_MAX_COST,
	endSession,
	exitByPlate,
	paySession,
	plateInputSchema,
	startSession,
	type Actor,
	type ParkingSession,
	type ParkingSettings
} from './sessions.ts';

/** Who the simulated gates and operator are in sessions, payments and the audit log. */
export const SIMULATOR_ACTOR_ID = 'simulator';
const gateActor: Actor = { deviceId: SIMULATOR_ACTOR_ID };
const operatorActor: Actor = { userId: SIMULATOR_ACTOR_ID };

/** Payment methods in a believable mix (UPI most, then cash, a few cards), picked by event index. */
const METHODS = ['upi', 'cash', 'upi', 'card', 'upi', 'cash', 'upi', 'upi', 'cash', 'upi'] as const;

/** The lot settings a simulation of `lot` must use so its truth holds for this system. */
export function simulationLotFor(lot: Pick<Lot, 'name' | 'country' | 'timeZone' | 'capacity' | 'longStayMinutes'>, settings: ParkingSettings): SimLot {
	if (!(PLATE_COUNTRIES as readonly string[]).includes(lot.country)) {
		throw new RangeError(`lot ${lot.name} has plate country ${lot.country}, which the simulator does not know`);
	}
	const capacity: Partial<Record<(typeof VEHICLE_CLASSES)[number], number>> = {};
	for (const vehicleClass of VEHICLE_CLASSES) {
		const spaces = lot.capacity[vehicleClass];
		if (spaces !== undefined) capacity[vehicleClass] = spaces;
	}
	return {
		country: lot.country as PlateCountry,
		timeZone: lot.timeZone,
		capacity,
		longStayMinutes: lot.longStayMinutes,
		lowConfidenceThreshold: settings.ocrConfidenceThreshold,
		mismatchMaxCost: EXIT_MATCH_MAX_COST
	};
}

/**
 * Checks that the simulation's truth holds for `lot` under `settings`: same zone, plate country,
 * capacity, long-stay threshold, confidence threshold and mismatch distance.
 * @throws RangeError listing every setting that differs
 */
export function checkSimulationFits(
	simulation: Pick<Simulation, 'lot'>,
	lot: Pick<Lot, 'name' | 'country' | 'timeZone' | 'capacity' | 'longStayMinutes'>,
	settings: ParkingSettings
): void {
	const want = simulationLotFor(lot, settings);
	const got = simulation.lot;
	const problems: string[] = [];
	for (const key of ['country', 'timeZone', 'longStayMinutes', 'lowConfidenceThreshold', 'mismatchMaxCost'] as const) {
		if (got[key] !== want[key]) problems.push(`${key}: the simulation has ${got[key]}, the system ${want[key]}`);
	}
	for (const vehicleClass of VEHICLE_CLASSES) {
		const a = got.capacity[vehicleClass] ?? 0;
		const b = want.capacity[vehicleClass] ?? 0;
		if (a !== b) problems.push(`capacity.${vehicleClass}: the simulation has ${a}, the lot ${b}`);
	}
	if (problems.length > 0) throw new RangeError(`the simulation does not fit lot ${lot.name}:\n  ${problems.join('\n  ')}`);
}

/** Where a simulation is applied: the lot and its two gates. */
export interface SimulationTarget {
	readonly lot: Lot;
	readonly entryGateId: string;
	readonly exitGateId: string;
	/** Permits and hotlist entries loaded (ones already there are not loaded twice). */
	readonly permitsLoaded: number;
	readonly hotlistLoaded: number;
}

/**
 * Sets up what the simulation needs before its first event: the lot (created from
 * `simulation.lot`, or `existing` when it fits), an entry and an exit gate, the permits (good
 * for this lot) and the hotlist. Everything is stamped `simulation.startMs`.
 * @throws RangeError when `existing` does not fit the simulation; AppError from the services
 */
export async function prepareSimulation(
	db: Database,
	simulation: Simulation,
	settings: ParkingSettings,
	target: { name: string; currency: string; existing?: Lot }
): Promise<SimulationTarget> {
	const now = simulation.startMs;
	const input = lotInputSchema.parse({
		name: target.name,
		country: simulation.lot.country,
		timeZone: simulation.lot.timeZone,
		currency: target.currency,
		capacity: simulation.lot.capacity,
		longStayMinutes: simulation.lot.longStayMinutes
	});
	// checked before anything is written
	checkSimulationFits(simulation, target.existing ?? input, settings);
	const lot = target.existing ?? (await createLot(db, input, SIMULATOR_ACTOR_ID, now));

	const lotGates = await gates(db, lot.id);
	const gateFor = async (direction: 'entry' | 'exit'): Promise<string> => {
		const found = lotGates.find((gate) => gate.direction === direction) ?? lotGates.find((gate) => gate.direction === 'both');
		if (found) return found.id;
		const name = direction === 'entry' ? 'Entry' : 'Exit';
		return (await createGate(db, lot.id, gateInputSchema.parse({ name, direction }), SIMULATOR_ACTOR_ID, now)).id;
	};
	const entryGateId = await gateFor('entry');
	const exitGateId = await gateFor('exit');

	let permitsLoaded = 0;
	for (const permit of simulation.permits) {
		const input = permitInputSchema.parse({ ...permit, lotIds: [lot.id] });
		const known = await permits(db, input.plate, 100);
		const same = known.some(
			(p) => p.kind === input.kind && p.validFrom === input.validFrom && p.validUntil === input.validUntil && p.lotIds.includes(lot.id) && p.revokedAt === null
		);
		if (same) continue;
		await createPermit(db, input, SIMULATOR_ACTOR_ID, now);
		permitsLoaded++;
	}
	let hotlistLoaded = 0;
	for (const entry of simulation.hotlist) {
		const input = hotlistInputSchema.parse({ ...entry, expiresAt: null });
		if ((await hotlistHits(db, input.plate, now)).length > 0) continue;
		await addToHotlist(db, input, SIMULATOR_ACTOR_ID, now);
		hotlistLoaded++;
	}
	return { lot, entryGateId, exitGateId, permitsLoaded, hotlistLoaded };
}

/** What applying the events did, as the services answered. */
export interface DriveCounts {
	entryReads: number;
	exitReads: number;
	sessionsStarted: number;
	/** Entry reads of a plate already parked (the services raised duplicate-entry). */
	duplicateReads: number;
	unreadableReads: number;
	sessionsEnded: number;
	/** Exit reads that raised plate-mismatch, and how many of those the operator confirmed. */
	mismatches: number;
	confirmed: number;
	exitsWithoutEntry: number;
	scans: number;
	payments: number;
	/** Sessions of this simulation still open after the last event. */
	stillParked: number;
}

/** What {@link driveSimulation} returns. */
export interface DriveReport {
	readonly counts: DriveCounts;
	/** Fees charged at exit and payments taken, in the lot's minor unit. */
	readonly feesPaise: number;
	readonly paidPaise: number;
	/** Session id → index of the entry event that opened it. */
	readonly sessionRefs: ReadonlyMap<string, number>;
}

/** Options for {@link driveSimulation}. */
export interface DriveOptions {
	/** Pay each charged session in full at exit (default true). */
	readonly pay?: boolean;
	/** Called every `progressEvery` events (default 1000) and after the last. */
	readonly onProgress?: (done: number, total: number) => void;
	readonly progressEvery?: number;
}

/**
 * Applies `simulation.events` in order through the services, each at its own instant.
 * @throws AppError or a database error when a service refuses something the contract allows
 */
export async function driveSimulation(
	db: Database,
	simulation: Simulation,
	target: SimulationTarget,
	settings: ParkingSettings,
	options: DriveOptions = {}
): Promise<DriveReport> {
	const { lot, entryGateId, exitGateId } = target;
	const { pay = true, onProgress, progressEvery = 1000 } = options;
	const counts: DriveCounts = {
		entryReads: 0,
		exitReads: 0,
		sessionsStarted: 0,
		duplicateReads: 0,
		unreadableReads: 0,
		sessionsEnded: 0,
		mismatches: 0,
		confirmed: 0,
		exitsWithoutEntry: 0,
		scans: 0,
		payments: 0,
		stillParked: 0
	};
	const sessionRefs = new Map<string, number>();
	let feesPaise = 0;
	let paidPaise = 0;

	const settle = async (session: ParkingSession, index: number, at: number): Promise<void> => {
		counts.sessionsEnded++;
		const fee = session.feePaise ?? 0;
		feesPaise += fee;
		if (!pay || fee === 0) return;
		const method = METHODS[index % METHODS.length]!;
		const reference = method === 'cash' ? undefined : `SIM-${method.toUpperCase()}-${index}`;
		await paySession(db, session.id, { amountPaise: fee, method, reference, at }, gateActor);
		counts.payments++;
		paidPaise += fee;
	};

	/** The operator looks at the exit image and confirms the candidate that is this car. */
	const confirm = async (read: string, truePlate: string, candidates: Array<{ sessionId: string; plate: string }>, index: number, at: number): Promise<void> => {
		const car = candidates.find((candidate) => candidate.plate === truePlate);
		if (car === undefined) return;
		const ended = await endSession(db, car.sessionId, { at, gateId: exitGateId, plateRead: read }, operatorActor, settings);
		counts.confirmed++;
		await settle(ended, index, at);
		const raised = await anomalies(db, { lotId: lot.id, kind: 'plate-mismatch', plate: read }, 20);
		for (const anomaly of raised.rows) {
			if (anomaly.status === 'resolved' || !candidates.some((c) => c.sessionId === anomaly.relatedSessionId)) continue;
			const note = `Exit image checked: the car is ${car.plate}, misread as ${read}; session closed.`;
			await reviewAnomaly(db, anomaly.id, { status: 'resolved', note }, SIMULATOR_ACTOR_ID, at);
		}
	};

	const apply = async (event: SimEvent, index: number): Promise<void> => {
		if (event.type === 'scan') {
			await scanLongStays(db, event.at, { lotId: lot.id });
			await scanPermitExpiries(db, event.at, { lotId: lot.id });
			counts.scans++;
			return;
		}
		const gateId = event.type === 'entry' ? entryGateId : exitGateId;
		if (event.type === 'entry') counts.entryReads++;
		else counts.exitReads++;
		const plate = plateInputSchema.safeParse(event.plateRead);
		if (!plate.success) {
			await recordUnreadableRead(db, { lotId: lot.id, read: event.plateRead, direction: event.type, at: event.at, gateId, confidence: event.confidence });
			counts.unreadableReads++;
			return;
		}
		if (event.type === 'entry') {
			try {
				const started = await startSession(
					db,
					{ lotId: lot.id, plate: plate.data, vehicleClass: event.vehicleClass, at: event.at, gateId, confidence: event.confidence },
					gateActor,
					settings
				);
				sessionRefs.set(started.session.id, index);
				counts.sessionsStarted++;
			} catch (error) {
				if (!(error instanceof AppError && error.code === 'already_parked')) throw error;
				counts.duplicateReads++;
			}
			return;
		}
		const outcome = await exitByPlate(db, { lotId: lot.id, plate: plate.data, at: event.at, gateId, confidence: event.confidence }, gateActor, settings);
		if (outcome.kind === 'ended') await settle(outcome.session, index, event.at);
		else if (outcome.kind === 'no_entry') counts.exitsWithoutEntry++;
		else {
			counts.mismatches++;
			await confirm(plate.data, event.truePlate, outcome.candidates, index, event.at);
		}
	};

	const total = simulation.events.length;
	for (const [index, event] of simulation.events.entries()) {
		await apply(event, index);
		if (onProgress && ((index + 1) % progressEvery === 0 || index + 1 === total)) onProgress(index + 1, total);
	}
	counts.stillParked = counts.sessionsStarted - counts.sessionsEnded;
	return { counts, feesPaise, paidPaise, sessionRefs };
}

const PAGE = 500;

/**
 * The anomalies the system holds for `lotId` detected within the simulation's window, in the
 * shape `scoreAnomalies` takes: `at` is when each was first raised, `sessionRef` the entry event
 * of the session it concerns (the linked candidate for a plate mismatch).
 */
export async function detectedAnomalies(
	db: Database,
	lotId: string,
	simulation: Pick<Simulation, 'startMs' | 'endMs'>,
	sessionRefs: ReadonlyMap<string, number>
): Promise<DetectedAnomaly[]> {
	const found: DetectedAnomaly[] = [];
	for (let offset = 0; ; offset += PAGE) {
		const { rows, total } = await anomalies(db, { lotId }, PAGE, offset);
		for (const row of rows) {
			if (row.detectedAt < simulation.startMs || row.detectedAt > simulation.endMs) continue;
			const sessionId = row.kind === 'plate-mismatch' ? row.relatedSessionId : row.sessionId;
			const sessionRef = sessionId === null ? undefined : sessionRefs.get(sessionId);
			found.push({ kind: row.kind, plate: row.plate, at: row.detectedAt, ...(sessionRef === undefined ? {} : { sessionRef }) });
		}
		if (rows.length === 0 || offset + rows.length >= total) break;
	}
	return found;
}

/** Detections per kind, every kind listed. */
export function countByKind(detected: readonly DetectedAnomaly[], kinds: readonly AnomalyKind[]): Record<string, number> {
	const counts: Record<string, number> = Object.fromEntries(kinds.map((kind) => [kind, 0]));
	for (const anomaly of detected) counts[anomaly.kind] = (counts[anomaly.kind] ?? 0) + 1;
	return counts;
}
