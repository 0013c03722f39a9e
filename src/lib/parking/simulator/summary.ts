/**
 * A traffic summary computed from the events alone (by true plate), to check a simulated day
 * looks like a car park's: rush-hour peaks, a believable peak occupancy, a long-stay tail.
 */
import type { VehicleClass } from '../tariff-plan.ts';
import { createLocalClock } from './profile.ts';
import type { SimEvent } from './types.ts';

const MINUTE_MS = 60_000;

/** What {@link summary} reports. Stays are of cars seen both entering and leaving. */
export interface TrafficSummary {
	/** Entry reads of cars not already inside; a duplicate read of a parked car is not an arrival. */
	readonly arrivals: number;
	readonly arrivalsByLocalHour: readonly number[];
	readonly arrivalsByLocalDay: Readonly<Record<string, number>>;
	/** Exits of cars whose entry was seen. */
	readonly exits: number;
	/** Exits of cars with no entry on record (missed entries). */
	readonly unmatchedExits: number;
	/** Most cars inside at once, counting only cars whose entry was seen. */
	readonly peakOccupancy: number;
	readonly peakAt: number | null;
	readonly peakOccupancyByClass: Readonly<Partial<Record<VehicleClass, number>>>;
	/** Cars still inside after the last event. */
	readonly openAtEnd: number;
	readonly stay: {
		readonly completed: number;
		readonly meanMinutes: number;
		readonly medianMinutes: number;
		readonly p95Minutes: number;
		readonly maxMinutes: number;
		/** Share of completed stays of at least `longStayMinutes`. */
		readonly longShare: number;
	};
}

/** Options for {@link summary}. */
export interface SummaryOptions {
	/** Zone for local hours and days. Default UTC. */
	readonly timeZone?: string;
	/** Threshold for `stay.longShare`. Default 24 h. */
	readonly longStayMinutes?: number;
}

const quantile = (sorted: readonly number[], q: number): number =>
	sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);

/**
 * Summarises `events` (in order) by true plate.
 * @throws RangeError when the zone is unknown
 * @example summary(simulation.events, { timeZone: simulation.lot.timeZone }).arrivalsByLocalHour[8]
 */
export function summary(
	events: readonly SimEvent[],
	{ timeZone = 'UTC', longStayMinutes = 24 * 60 }: SummaryOptions = {}
): TrafficSummary {
	const clock = createLocalClock(timeZone);
	const inside = new Map<string, { at: number; vehicleClass: VehicleClass }>();
	const byClass = new Map<VehicleClass, number>();
	const peakByClass: Partial<Record<VehicleClass, number>> = {};
	const arrivalsByLocalHour = Array.from({ length: 24 }, () => 0);
	const arrivalsByLocalDay: Record<string, number> = {};
	const stays: number[] = [];
	let arrivals = 0;
	let unmatchedExits = 0;
	let peakOccupancy = 0;
	let peakAt: number | null = null;

	for (const event of events) {
		if (event.type === 'entry') {
			if (inside.has(event.truePlate)) continue;
			inside.set(event.truePlate, { at: event.at, vehicleClass: event.vehicleClass });
			const inClass = (byClass.get(event.vehicleClass) ?? 0) + 1;
			byClass.set(event.vehicleClass, inClass);
			peakByClass[event.vehicleClass] = Math.max(peakByClass[event.vehicleClass] ?? 0, inClass);
			arrivals++;
			const slot = clock.at(event.at);
			arrivalsByLocalHour[slot.hour] = (arrivalsByLocalHour[slot.hour] ?? 0) + 1;
			arrivalsByLocalDay[slot.day] = (arrivalsByLocalDay[slot.day] ?? 0) + 1;
			if (inside.size > peakOccupancy) {
				peakOccupancy = inside.size;
				peakAt = event.at;
			}
		} else if (event.type === 'exit') {
			const entry = inside.get(event.truePlate);
			if (entry === undefined) {
				unmatchedExits++;
				continue;
			}
			inside.delete(event.truePlate);
			byClass.set(entry.vehicleClass, (byClass.get(entry.vehicleClass) ?? 0) - 1);
			stays.push((event.at - entry.at) / MINUTE_MS);
		}
	}
	stays.sort((a, b) => a - b);
	const total = stays.reduce((sum, minutes) => sum + minutes, 0);
	return {
		arrivals,
		arrivalsByLocalHour,
		arrivalsByLocalDay,
		exits: stays.length,
		unmatchedExits,
		peakOccupancy,
		peakAt,
		peakOccupancyByClass: peakByClass,
		openAtEnd: inside.size,
		stay: {
			completed: stays.length,
			meanMinutes: stays.length === 0 ? 0 : total / stays.length,
			medianMinutes: quantile(stays, 0.5),
			p95Minutes: quantile(stays, 0.95),
			maxMinutes: stays.at(-1) ?? 0,
			longShare: stays.length === 0 ? 0 : stays.filter((minutes) => minutes >= longStayMinutes).length / stays.length
		}
	};
}
