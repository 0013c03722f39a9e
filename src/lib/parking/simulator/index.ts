/**
 * A deterministic traffic simulator for SPMS car parks: events for a driver to apply through the
 * real services, the setup data to load first, and the ground-truth anomalies to score the
 * system's detections against. Pure: same options, same output.
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
	misreadPlate,
	resolveFaultRates,
	unreadableRead,
	type FaultRates
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
export { summary, type TrafficSummary } from './summary.ts';
export {
	FAULT_KINDS,
	SIMULATED_ANOMALY_KINDS,
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
	type SimulatedAnomalyKind,
	type Simulation,
	type SimulationStats,
	type SimulationTruth,
	type TruthAnomaly,
	type Visit,
	type VisitRole
} from './types.ts';
