/**
 * A deterministic traffic simulator for SPMS car parks: events for a driver to apply through the
 * real services, the setup data to load first, and the ground-truth anomalies to score the
 * system's detections against. Pure: same options, same output.
 *
 * Driver contract (what the truth assumes; see `ledger.ts` for the full rules):
 * 1. Configure the lot from `lot` (capacity per class, long-stay minutes, low-confidence
 *    threshold, `mismatchMaxCost` as exitMatch's `maxCost`, zone), load `permits` and `hotlist`.
 * 2. Apply `events` in array order, each with the service clock set to its `at`: entries and
 *    exits as gate reads (`plateRead`, `confidence`, `vehicleClass`); `scan` runs the long-stay
 *    and permit-expiry checks. Never pass `truePlate` to the system, except as below.
 * 3. With `resolveMismatches` (default), when an exit raises `plate-mismatch`, confirm at once,
 *    as an operator looking at the image would, the candidate session whose plate equals the
 *    exit's `truePlate` (close it at the exit's `at`); dismiss other candidates.
 * 4. Report each anomaly as `{ kind, plate, at, sessionRef }`, `sessionRef` being the index of
 *    the entry event that opened the session concerned, and score with `scoreAnomalies`.
 */
export { createRandom, type Random } from './random.ts';
export { createPlateFactory, generatePlate, type PlateFactory, type PlateStyle } from './plates-gen.ts';
export {
	MAX_STAY_MS as MAX_SIMULATED_STAY_MS,
	MIN_STAY_MS,
	WEEKDAY_PROFILE,
	WEEKEND_DEMAND,
	WEEKEND_PROFILE,
	arrivalRatePerHour,
	createLocalClock,
	type LocalClock,
	type LocalSlot
} from './profile.ts';
export {
	DEFAULT_FAULT_RATES,
	NO_FAULTS,
	VISIT_FAULT_KINDS,
	goodConfidence,
	misreadPlate,
	poorConfidence,
	resolveFaultRates,
	unreadableRead,
	type FaultRates,
	type MisreadContext
} from './faults.ts';
export {
	createReferenceLedger,
	type LedgerConfig,
	type LedgerSession,
	type LedgerStep,
	type RaisedAnomaly,
	type ReferenceLedger
} from './ledger.ts';
export { defaultPopulation, type PopulationOptions } from './population.ts';
export { MAX_HOURS, defaultLot, resolveOptions, simulateTraffic, type SimulationOptions } from './traffic.ts';
export { scoreAnomalies, type DetectedAnomaly, type KindScore, type ScoreReport } from './scoring.ts';
export { summary, type SummaryOptions, type TrafficSummary } from './summary.ts';
export {
	FAULT_KINDS,
	type EntryEvent,
	type ExitEvent,
	type FaultKind,
	type InjectedFault,
	type ScanEvent,
	type SimEvent,
	type SimHotlistEntry,
	type SimLot,
	type SimPermit,
	type SimVehicle,
	type Simulation,
	type SimulationStats,
	type SimulationTruth,
	type TruthAnomaly,
	type Visit,
	type VisitRole
} from './types.ts';
