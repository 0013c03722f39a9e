/**
 * The "Now" dashboard: per lot, vehicles inside by class against capacity, entries and exits
 * today, revenue today / this week (from Monday) / this month, open anomalies — "today" in each
 * lot's own zone — plus the gates' status and the held vehicles waiting for a person.
 */
import { addDays, localDateAt, wallTimeToUtc } from '../../parking/time-zone.ts';
import type { Database } from '../db/database.ts';
import { gateBoard, heldVehicles, type GateBoard, type HeldCapture } from '../gates/held.ts';
import { listLots } from '../parking/lots.repo.ts';
import { occupancyByClass } from '../parking/sessions.repo.ts';
import type { ImageStore } from '../storage/storage.ts';
import { lotToday, type LotToday } from './reports.repo.ts';

export interface LotNow extends LotToday {
	id: string;
	name: string;
	timeZone: string;
	currency: string;
	classes: Array<{ vehicleClass: string; occupied: number; capacity: number }>;
	occupied: number;
	capacity: number;
}

export interface Dashboard {
	at: number;
	lots: LotNow[];
	totals: Pick<LotToday, 'entries' | 'exits' | 'openAnomalies'> & { occupied: number; capacity: number };
}

/** The starts of the lot's local day, ISO week (Monday) and month containing `now`. */
export function periodStarts(now: number, timeZone: string): { day: number; week: number; month: number } {
	const today = localDateAt(now, timeZone);
	const weekday = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 6) % 7;
	return {
		day: wallTimeToUtc(today, 0, timeZone),
		week: wallTimeToUtc(addDays(today, -weekday), 0, timeZone),
		month: wallTimeToUtc({ ...today, day: 1 }, 0, timeZone)
	};
}

/** The counters and occupancy of every lot (or one), now: the dashboard's first data. */
export async function lotsNow(db: Database, now: number, lotId?: string): Promise<Dashboard> {
	const lots = await db.run(async (x) => {
		const all = (await listLots(x)).filter((l) => !lotId || l.id === lotId);
		return Promise.all(
			all.map(async (lot) => {
				const [counters, inside] = await Promise.all([lotToday(x, lot.id, periodStarts(now, lot.timeZone), now), occupancyByClass(x, lot.id)]);
				const names = [...new Set([...Object.keys(lot.capacity), ...Object.keys(inside)])].sort();
				const classes = names.map((vehicleClass) => ({ vehicleClass, occupied: inside[vehicleClass] ?? 0, capacity: lot.capacity[vehicleClass] ?? 0 }));
				return {
					id: lot.id,
					name: lot.name,
					timeZone: lot.timeZone,
					currency: lot.currency,
					...counters,
					classes,
					occupied: classes.reduce((n, c) => n + c.occupied, 0),
					capacity: classes.reduce((n, c) => n + c.capacity, 0)
				};
			})
		);
	});
	const sum = (k: 'entries' | 'exits' | 'openAnomalies' | 'occupied' | 'capacity') => lots.reduce((n, l) => n + l[k], 0);
	return { at: now, lots, totals: { entries: sum('entries'), exits: sum('exits'), openAnomalies: sum('openAnomalies'), occupied: sum('occupied'), capacity: sum('capacity') } };
}

/** Everything the dashboard page shows. */
export async function dashboard(db: Database, images: ImageStore, now: number): Promise<Dashboard & { gates: GateBoard[]; held: HeldCapture[] }> {
	const [board, gates, held] = await Promise.all([lotsNow(db, now), gateBoard(db, images, now), heldVehicles(db, images, now)]);
	return { ...board, gates, held };
}
