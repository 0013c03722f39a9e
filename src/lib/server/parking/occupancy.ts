import type { Database } from '../db/database.ts';
import { notFound } from '../http/errors.ts';
import { findLot } from './lots.repo.ts';
import { occupancyByClass } from './sessions.repo.ts';

export interface Occupancy {
	lotId: string;
	/** per vehicle class: vehicles inside, spaces, spaces left (never below 0) */
	classes: Array<{ vehicleClass: string; occupied: number; capacity: number; free: number }>;
	occupied: number;
	capacity: number;
}

/** Vehicles inside a lot now, per class, against its capacity. @throws {AppError} 404 */
export async function lotOccupancy(db: Database, lotId: string): Promise<Occupancy> {
	return db.run(async (x) => {
		const lot = await findLot(x, lotId);
		if (!lot) throw notFound('The lot');
		const inside = await occupancyByClass(x, lotId);
		const names = [...new Set([...Object.keys(lot.capacity), ...Object.keys(inside)])].sort();
		const classes = names.map((vehicleClass) => {
			const occupied = inside[vehicleClass] ?? 0;
			const capacity = lot.capacity[vehicleClass] ?? 0;
			return { vehicleClass, occupied, capacity, free: Math.max(0, capacity - occupied) };
		});
		return {
			lotId,
			classes,
			occupied: classes.reduce((n, c) => n + c.occupied, 0),
			capacity: classes.reduce((n, c) => n + c.capacity, 0)
		};
	});
}
