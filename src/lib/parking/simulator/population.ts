/**
 * The vehicles that come back: commuters (some with permits), occasional visitors, and the
 * hotlisted cars that turn up now and then, with the permits and the hotlist to load as setup.
 */
import type { VehicleClass } from '../tariff-plan.ts';
import type { PlateFactory } from './plates-gen.ts';
import type { Random } from './random.ts';
import type { SimHotlistEntry, SimLot, SimPermit, SimVehicle } from './types.ts';

const DAY_MS = 86_400_000;

/** How many returning vehicles of each kind; defaults scale with the lot's capacity. */
export interface PopulationOptions {
	readonly commuters: number;
	/** Commuters who hold a permit (at most `commuters`). */
	readonly permitHolders: number;
	readonly occasional: number;
	readonly hotlisted: number;
}

/** Defaults for a lot of `totalCapacity` spaces. */
export function defaultPopulation(totalCapacity: number): PopulationOptions {
	return {
		commuters: Math.round(totalCapacity * 0.45),
		permitHolders: Math.round(totalCapacity * 0.15),
		occasional: Math.round(totalCapacity * 2),
		hotlisted: Math.max(5, Math.round(totalCapacity * 0.02))
	};
}

/** A permit while simulating: `validUntil` may be moved into a stay by a permit-expiry fault. */
export interface MutablePermit {
	plate: string;
	kind: SimPermit['kind'];
	validFromMs: number;
	validUntilMs: number;
	/** Drawn for a permit-expiry fault and not yet lapsed. */
	lapsePending: boolean;
}

/** A returning vehicle and, for permit holders, its permit. */
export interface PoolVehicle {
	readonly plate: string;
	readonly vehicleClass: VehicleClass;
	readonly permit: MutablePermit | null;
}

/** The returning vehicles of one simulation, with the setup data that goes with them. */
export interface Population {
	readonly commuters: readonly PoolVehicle[];
	readonly occasional: readonly PoolVehicle[];
	readonly hotlisted: readonly PoolVehicle[];
	readonly permits: readonly MutablePermit[];
	readonly hotlist: readonly SimHotlistEntry[];
	readonly vehicles: readonly SimVehicle[];
}

/** The vehicle classes of a lot with their share of its spaces, as weights for a draw. */
export function classWeights(lot: SimLot): (readonly [VehicleClass, number])[] {
	return Object.entries(lot.capacity)
		.filter((entry): entry is [VehicleClass, number] => (entry[1] ?? 0) > 0)
		.map(([vehicleClass, spaces]) => [vehicleClass, spaces] as const);
}

const HOTLIST_REASONS: readonly (readonly [string, SimHotlistEntry['priority']])[] = [
	['stolen vehicle', 'high'],
	['police alert', 'high'],
	['unpaid parking fees', 'medium'],
	['banned after damage to barrier', 'medium'],
	['repeated permit misuse', 'low']
];

/**
 * Draws the returning vehicles. Permits start 1–60 days before the window and end 1–60 days
 * after it; a share `permitExpiryRate` of them is marked to lapse during a stay (the simulator
 * moves `validUntilMs` when that stay comes). A few occasional visitors hold permits that
 * expired before the window: parking on those is an ordinary paid stay, not an anomaly.
 */
export function createPopulation(
	random: Random,
	plates: PlateFactory,
	lot: SimLot,
	options: PopulationOptions,
	window: { readonly startMs: number; readonly endMs: number; readonly permitExpiryRate: number }
): Population {
	const weights = classWeights(lot);
	const draw = (): { plate: string; vehicleClass: VehicleClass } => {
		const vehicleClass = random.weighted(weights);
		return { plate: plates.fresh(vehicleClass), vehicleClass };
	};
	const minute = (ms: number): number => Math.floor(ms / 60_000) * 60_000;
	const permits: MutablePermit[] = [];
	const newPermit = (
		plate: string,
		validFromMs: number,
		validUntilMs: number,
		lapsePending: boolean
	): MutablePermit => {
		const kind = random.weighted<SimPermit['kind']>([
			['monthly', 6],
			['staff', 3],
			['resident', 1]
		]);
		const permit = { plate, kind, validFromMs: minute(validFromMs), validUntilMs: minute(validUntilMs), lapsePending };
		permits.push(permit);
		return permit;
	};

	const holders = Math.min(options.permitHolders, options.commuters);
	const commuters = Array.from({ length: options.commuters }, (_, i): PoolVehicle => {
		const vehicle = draw();
		const permit =
			i < holders
				? newPermit(
						vehicle.plate,
						window.startMs - random.uniform(1, 60) * DAY_MS,
						window.endMs + random.uniform(1, 60) * DAY_MS,
						random.chance(window.permitExpiryRate)
					)
				: null;
		return { ...vehicle, permit };
	});
	const occasional = Array.from({ length: options.occasional }, (): PoolVehicle => {
		const vehicle = draw();
		if (!random.chance(0.03)) return { ...vehicle, permit: null };
		const until = window.startMs - random.uniform(1, 30) * DAY_MS;
		return { ...vehicle, permit: newPermit(vehicle.plate, until - 30 * DAY_MS, until, false) };
	});
	const hotlisted = Array.from({ length: options.hotlisted }, (): PoolVehicle => ({ ...draw(), permit: null }));
	const hotlist = hotlisted.map(({ plate }): SimHotlistEntry => {
		const [reason, priority] = random.pick(HOTLIST_REASONS);
		return { plate, reason, priority };
	});
	const vehicles: SimVehicle[] = [
		...commuters.map(({ plate, vehicleClass }) => ({ plate, vehicleClass, role: 'commuter' as const })),
		...occasional.map(({ plate, vehicleClass }) => ({ plate, vehicleClass, role: 'occasional' as const })),
		...hotlisted.map(({ plate, vehicleClass }) => ({ plate, vehicleClass, role: 'hotlisted' as const }))
	];
	return { commuters, occasional, hotlisted, permits, hotlist, vehicles };
}
