/**
 * `simulateTraffic`: a lot's arrivals, stays and camera reads over a window, with injected faults
 * and the anomalies they must raise. Pure: the result is a function of the options alone.
 */
import { isValidTimeZone } from '../time-zone.ts';
import { VEHICLE_CLASSES, type VehicleClass } from '../tariff-plan.ts';
import type { PlateCountry } from '../plates.ts';
import { resolveFaultRates, type FaultRates } from './faults.ts';
import type { PlateStyle } from './plates-gen.ts';
import { defaultPopulation, type PopulationOptions } from './population.ts';
import { runSimulation } from './run.ts';
import type { FaultKind, SimLot, Simulation } from './types.ts';

/** Options for {@link simulateTraffic}; everything but the window has a default. */
export interface SimulationOptions {
	readonly seed: number;
	/** Start of the window, UTC epoch milliseconds. */
	readonly startMs: number;
	readonly hours: number;
	/** Lot settings; missing ones come from {@link defaultLot} for the country (default `in`). */
	readonly lot?: Partial<SimLot>;
	/** Arrivals on a weekday before capacity turns any away. Default 2.6 per space. */
	readonly arrivalsPerDay?: number;
	/** Period of the scan job, minutes; ticks fall on multiples of it since the epoch. Default 15. */
	readonly scanIntervalMinutes?: number;
	/** Fault rates over {@link DEFAULT_FAULT_RATES}; pass `NO_FAULTS` for clean traffic. */
	readonly faults?: Partial<Record<FaultKind, number>>;
	/**
	 * Whether an operator resolves each `plate-mismatch` at once by closing the candidate session
	 * that really is the car (default true). The driver must do the same; when false, the
	 * session stays open and the truth lists what follows (a later long stay).
	 */
	readonly resolveMismatches?: boolean;
	readonly population?: Partial<PopulationOptions>;
	readonly plateStyle?: PlateStyle;
}

const DEFAULT_TIME_ZONES: Record<PlateCountry, string> = {
	in: 'Asia/Kolkata',
	br: 'America/Sao_Paulo',
	eu: 'Europe/Berlin',
	us: 'America/New_York',
	generic: 'UTC'
};

/** A 500-space lot in `country`'s usual zone: long stay from 24 h, reads below 0.6 are low. */
export function defaultLot(country: PlateCountry = 'in'): SimLot {
	const capacity: SimLot['capacity'] =
		country === 'in'
			? { car: 380, 'two-wheeler': 100, 'light-commercial': 15, 'heavy-commercial': 5 }
			: { car: 460, 'two-wheeler': 30, 'light-commercial': 10 };
	return {
		country,
		timeZone: DEFAULT_TIME_ZONES[country],
		capacity,
		longStayMinutes: 24 * 60,
		lowConfidenceThreshold: 0.6,
		mismatchMaxCost: 1
	};
}

/** Longest window simulated in one call. */
export const MAX_HOURS = 92 * 24;
const MAX_LONG_STAY_MINUTES = 7 * 24 * 60;

/** Options after defaults and validation. */
export interface ResolvedOptions {
	readonly seed: number;
	readonly startMs: number;
	readonly endMs: number;
	readonly lot: SimLot;
	readonly arrivalsPerDay: number;
	readonly scanIntervalMs: number;
	readonly rates: FaultRates;
	readonly resolveMismatches: boolean;
	readonly population: PopulationOptions;
	readonly plateStyle: PlateStyle;
}

const check = (ok: boolean, message: string): void => {
	if (!ok) throw new RangeError(message);
};
const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/**
 * Fills in defaults and checks every option.
 * @throws RangeError naming the first bad option
 */
export function resolveOptions(options: SimulationOptions): ResolvedOptions {
	const { seed, startMs, hours } = options;
	check(Number.isSafeInteger(seed), `seed must be a safe integer, got ${seed}`);
	check(Number.isSafeInteger(startMs), `startMs must be an integer epoch time in ms, got ${startMs}`);
	check(hours > 0 && hours <= MAX_HOURS, `hours must be > 0 and <= ${MAX_HOURS}, got ${hours}`);
	const lot: SimLot = { ...defaultLot(options.lot?.country), ...options.lot };
	check(isValidTimeZone(lot.timeZone), `lot.timeZone must be an IANA zone such as Asia/Kolkata, got ${lot.timeZone}`);
	const classes = Object.entries(lot.capacity);
	for (const [vehicleClass, spaces] of classes) {
		check(
			(VEHICLE_CLASSES as readonly string[]).includes(vehicleClass),
			`lot.capacity has an unknown class ${vehicleClass}`
		);
		check(isCount(spaces ?? -1), `lot.capacity.${vehicleClass} must be a whole number >= 0, got ${spaces}`);
	}
	const totalCapacity = classes.reduce((total, [, spaces]) => total + (spaces ?? 0), 0);
	check(totalCapacity > 0, 'lot.capacity must give at least one class a space');
	check(
		Number.isSafeInteger(lot.longStayMinutes) &&
			lot.longStayMinutes >= 1 &&
			lot.longStayMinutes <= MAX_LONG_STAY_MINUTES,
		`lot.longStayMinutes must be a whole number 1–${MAX_LONG_STAY_MINUTES}, got ${lot.longStayMinutes}`
	);
	check(
		lot.lowConfidenceThreshold > 0.01 && lot.lowConfidenceThreshold <= 0.97,
		`lot.lowConfidenceThreshold must be within 0.01–0.97, got ${lot.lowConfidenceThreshold}`
	);
	check(
		lot.mismatchMaxCost > 0 && Number.isFinite(lot.mismatchMaxCost),
		`lot.mismatchMaxCost must be > 0, got ${lot.mismatchMaxCost}`
	);
	const arrivalsPerDay = options.arrivalsPerDay ?? Math.round(totalCapacity * 2.6);
	check(arrivalsPerDay >= 0 && Number.isFinite(arrivalsPerDay), `arrivalsPerDay must be >= 0, got ${arrivalsPerDay}`);
	const scanIntervalMinutes = options.scanIntervalMinutes ?? 15;
	check(
		Number.isSafeInteger(scanIntervalMinutes) && scanIntervalMinutes >= 1 && scanIntervalMinutes <= 1440,
		`scanIntervalMinutes must be a whole number 1–1440, got ${scanIntervalMinutes}`
	);
	const population = { ...defaultPopulation(totalCapacity), ...options.population };
	for (const [name, count] of Object.entries(population)) {
		check(isCount(count), `population.${name} must be a whole number >= 0, got ${count}`);
	}
	return {
		seed,
		startMs,
		endMs: startMs + Math.round(hours * 3_600_000),
		lot: { ...lot, capacity: { ...lot.capacity } },
		arrivalsPerDay,
		scanIntervalMs: scanIntervalMinutes * 60_000,
		rates: resolveFaultRates(options.faults),
		resolveMismatches: options.resolveMismatches ?? true,
		population,
		plateStyle: { latestYear: new Date(startMs).getUTCFullYear() % 100, ...options.plateStyle }
	};
}

/**
 * Simulates a lot's traffic over `hours` from `startMs`: Poisson arrivals following the local
 * rush-hour profile, lognormal stays with a long tail, capacity per class (arrivals to a full
 * class are turned away), returning commuters, permit holders and occasional visitors, and
 * faults injected at `faults` rates. The `truth` lists every anomaly the rules must raise when
 * the events are applied in order, each with the fault that caused it.
 * @throws RangeError when an option is out of range
 * @example
 * const { events, truth } = simulateTraffic({ seed: 7, startMs: Date.UTC(2025, 0, 6), hours: 24 });
 */
export function simulateTraffic(options: SimulationOptions): Simulation {
	return runSimulation(resolveOptions(options));
}

/** The classes a lot has spaces for. */
export function lotClasses(lot: SimLot): VehicleClass[] {
	return VEHICLE_CLASSES.filter((vehicleClass) => (lot.capacity[vehicleClass] ?? 0) > 0);
}
