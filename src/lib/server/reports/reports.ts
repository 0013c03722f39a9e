/**
 * Reports: revenue, occupancy by hour (heatmap and peaks), stays, anomaly counts, over a range
 * of local dates. Each lot is read in its own time zone and the lots' figures are added up;
 * money stays integer paise to the end (pages format it with `formatMoney`).
 *
 * Revenue, occupancy and stays read a lot's rollups plus the deltas not folded into them yet
 * (`rollups.repo.ts`) when they are current and the window's ends are clean local-day cuts;
 * otherwise, and always with `{ rollups: false }`, the raw rows. Both give the same figures
 * (`rollups.spec.ts` compares them on randomized data).
 */
import { z } from 'zod';
import { formatLocalDate, localDateAt } from '../../parking/time-zone.ts';
import type { Database, Executor } from '../db/database.ts';
import { AppError, notFound } from '../http/errors.ts';
import { listLots, type LotRow } from '../parking/lots.repo.ts';
import { ROLLUP_VERSION, STAY_BUCKETS_MINUTES, isDayCut } from './contributions.ts';
import { anomalyRows, entriesByHour, exitsByHour, insideAt, revenueRows, stayRows } from './reports.repo.ts';
import { occupancyRolled, revenueRowsRolled, stayRowsRolled, type RollupWindow } from './rollups.repo.ts';
import { dateOfDayIndex, dayIndexOfDate, hourIndicesOf, hourOfIndex, localRange, offsetSegments, parseLocalDate, type LocalRange, type OffsetSegment } from './time-buckets.ts';

export const REPORT_KINDS = ['revenue', 'occupancy', 'stays', 'anomalies'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The longest range a report covers (a year and a day, for leap years and "the last 12 months"). */
export const MAX_REPORT_DAYS = 367;

const localDate = z.string().refine((s) => parseLocalDate(s) !== null, 'a date as YYYY-MM-DD');

/** What a report page or CSV link asks for; `from`/`to` default to the last 30 days. */
export const reportQuerySchema = z.object({
	lotId: z.string().min(1).max(64).optional().or(z.literal('').transform(() => undefined)),
	from: localDate.optional().or(z.literal('').transform(() => undefined)),
	to: localDate.optional().or(z.literal('').transform(() => undefined))
});
export type ReportQuery = z.output<typeof reportQuerySchema>;

export { STAY_BUCKETS_MINUTES };

/** How a report reads its figures: `rollups: false` reads the raw rows only (the reference). */
export interface ReportOptions {
	rollups?: boolean;
	/** told, for each lot, where its figures came from */
	onSource?: (lotId: string, source: 'rollups' | 'rows') => void;
}

/** The rollups' answer for a lot, or the raw rows' when they can't give one. */
async function rolledOr<T>(w: LotWindow, options: ReportOptions, rolled: (r: RollupWindow) => Promise<T | null>, raw: () => Promise<T>): Promise<T> {
	const fromRollups = w.rollup ? await rolled(w.rollup) : null;
	options.onSource?.(w.lot.id, fromRollups === null ? 'rows' : 'rollups');
	return fromRollups ?? raw();
}

/** One lot's share of a report's window. */
interface LotWindow {
	lot: LotRow;
	range: LocalRange;
	segments: OffsetSegment[];
	/** the window for the rollups, when they may answer it */
	rollup: RollupWindow | null;
}

export interface ReportScope {
	lots: Array<Pick<LotRow, 'id' | 'name' | 'timeZone' | 'currency'>>;
	fromDate: string;
	toDate: string;
	days: number;
	currency: string;
	/** the dates of the window, in order (the lots' local dates) */
	dates: string[];
}

/**
 * The lots and local dates a report covers.
 * @param today the local date "now" in the first lot's zone, for the default window
 * @throws {AppError} 404 unknown lot; 422 bad range or lots in different currencies
 */
async function scope(x: Executor, query: ReportQuery, now: number, options: ReportOptions = {}): Promise<{ windows: LotWindow[]; scope: ReportScope }> {
	const all = await listLots(x);
	const chosen = query.lotId ? all.filter((l) => l.id === query.lotId) : all;
	if (query.lotId && chosen.length === 0) throw notFound('The lot');
	const zone = chosen[0]?.timeZone ?? 'Asia/Kolkata';
	const today = localDateAt(now, zone);
	const to = query.to ? parseLocalDate(query.to)! : today;
	const from = query.from ? parseLocalDate(query.from)! : dateOfDayIndex(dayIndexOfDate(to) - 29);
	const days = dayIndexOfDate(to) - dayIndexOfDate(from) + 1;
	if (days < 1) throw new AppError(422, 'bad_range', 'The end date is before the start date.', { to: 'on or after the start date' });
	if (days > MAX_REPORT_DAYS) throw new AppError(422, 'bad_range', `A report covers at most ${MAX_REPORT_DAYS} days.`, { from: `at most ${MAX_REPORT_DAYS} days before the end` });
	const currencies = new Set(chosen.map((l) => l.currency));
	if (currencies.size > 1) throw new AppError(422, 'mixed_currencies', 'These lots take different currencies: choose one lot.', { lotId: 'one lot' });
	const [firstDay, lastDay] = [dayIndexOfDate(from), dayIndexOfDate(to)];
	const windows = chosen.map((lot) => {
		const range = localRange(from, to, lot.timeZone);
		const segments = offsetSegments(range.from, range.until, lot.timeZone);
		const clean = options.rollups !== false && isDayCut(range.from, firstDay, lot.timeZone) && isDayCut(range.until, lastDay + 1, lot.timeZone);
		const rollup = clean ? { lotId: lot.id, timeZone: lot.timeZone, version: ROLLUP_VERSION, from: range.from, until: range.until, firstDay, lastDay, segments } : null;
		return { lot, range, segments, rollup };
	});
	const dates = Array.from({ length: days }, (_, i) => formatLocalDate(dateOfDayIndex(dayIndexOfDate(from) + i)));
	return {
		windows,
		scope: {
			lots: chosen.map(({ id, name, timeZone, currency }) => ({ id, name, timeZone, currency })),
			fromDate: formatLocalDate(from),
			toDate: formatLocalDate(to),
			days,
			currency: chosen[0]?.currency ?? 'INR',
			dates
		}
	};
}

const dateOfDay = (day: number) => formatLocalDate(dateOfDayIndex(day));

function addTo<K>(map: Map<K, { paise: number; payments: number }>, key: K, paise: number, payments: number) {
	const v = map.get(key) ?? { paise: 0, payments: 0 };
	v.paise += paise;
	v.payments += payments;
	map.set(key, v);
}

const sorted = <K extends string>(map: Map<K, { paise: number; payments: number }>, name: string) =>
	[...map.entries()].map(([key, v]) => ({ [name]: key, ...v }) as { paise: number; payments: number } & Record<string, string | number>).sort((a, b) => b.paise - a.paise || String(a[name]).localeCompare(String(b[name])));

export interface RevenueReport extends ReportScope {
	totalPaise: number;
	payments: number;
	byDay: Array<{ date: string; paise: number; payments: number }>;
	byLot: Array<{ lotId: string; name: string; paise: number; payments: number }>;
	byClass: Array<{ vehicleClass: string; paise: number; payments: number }>;
	byMethod: Array<{ method: string; paise: number; payments: number }>;
}

/** Payments received, by local day, lot, vehicle class and payment method. */
export async function revenueReport(db: Database, query: ReportQuery, now: number, options: ReportOptions = {}): Promise<RevenueReport> {
	return db.run(async (x) => {
		const { windows, scope: s } = await scope(x, query, now, options);
		const byDay = new Map<string, { paise: number; payments: number }>(s.dates.map((d) => [d, { paise: 0, payments: 0 }]));
		const byClass = new Map<string, { paise: number; payments: number }>();
		const byMethod = new Map<string, { paise: number; payments: number }>();
		const byLot: RevenueReport['byLot'] = [];
		for (const w of windows) {
			const rows = await rolledOr(w, options, (r) => revenueRowsRolled(x, r), () => revenueRows(x, w.lot.id, w.range.from, w.range.until, w.segments));
			let paise = 0;
			let payments = 0;
			for (const r of rows) {
				addTo(byDay, dateOfDay(r.day), r.paise, r.payments);
				addTo(byClass, r.vehicleClass, r.paise, r.payments);
				addTo(byMethod, r.method, r.paise, r.payments);
				paise += r.paise;
				payments += r.payments;
			}
			byLot.push({ lotId: w.lot.id, name: w.lot.name, paise, payments });
		}
		return {
			...s,
			totalPaise: byLot.reduce((n, l) => n + l.paise, 0),
			payments: byLot.reduce((n, l) => n + l.payments, 0),
			byDay: [...byDay.entries()].map(([date, v]) => ({ date, ...v })),
			byLot: byLot.sort((a, b) => b.paise - a.paise || a.name.localeCompare(b.name)),
			byClass: sorted(byClass, 'vehicleClass') as RevenueReport['byClass'],
			byMethod: sorted(byMethod, 'method') as RevenueReport['byMethod']
		};
	});
}

export interface OccupancyReport extends ReportScope {
	/** [weekday 0 = Monday][hour 0–23]: average vehicles inside at HH:00 (null: no such hour in the range) */
	heatmap: Array<Array<number | null>>;
	/** average vehicles inside at HH:00, by hour of day */
	byHour: Array<{ hour: number; averageInside: number; entries: number; exits: number }>;
	/** the three hours of the day with the most vehicles inside on average, busiest first */
	peakHours: Array<{ hour: number; averageInside: number }>;
	/** the highest count at an hour's start, and when (local date and hour) */
	maxInside: { count: number; date: string; hour: number } | null;
	entries: number;
	exits: number;
}

/**
 * Vehicles inside at the start of every local hour (entries before it, not voided, minus exits
 * before it), from the entries and exits counted per hour and the count inside at the window's
 * start; averaged by weekday and hour for the heatmap.
 */
export async function occupancyReport(db: Database, query: ReportQuery, now: number, options: ReportOptions = {}): Promise<OccupancyReport> {
	return db.run(async (x) => {
		const { windows, scope: s } = await scope(x, query, now, options);
		// local hour index → vehicles inside at its start, summed over the lots
		const inside = new Map<number, number>();
		const entriesAt = new Map<number, number>();
		const exitsAt = new Map<number, number>();
		for (const w of windows) {
			const { entries: ins, exits: outs, insideAtStart } = await rolledOr(
				w,
				options,
				(r) => occupancyRolled(x, r),
				async () => ({
					entries: new Map((await entriesByHour(x, w.lot.id, w.range.from, w.range.until, w.segments)).map((e) => [e.hour, e.n])),
					exits: new Map((await exitsByHour(x, w.lot.id, w.range.from, w.range.until, w.segments)).map((e) => [e.hour, e.n])),
					insideAtStart: await insideAt(x, w.lot.id, w.range.from)
				})
			);
			let n = insideAtStart;
			for (const h of hourIndicesOf(w.segments)) {
				inside.set(h, (inside.get(h) ?? 0) + n);
				entriesAt.set(h, (entriesAt.get(h) ?? 0) + (ins.get(h) ?? 0));
				exitsAt.set(h, (exitsAt.get(h) ?? 0) + (outs.get(h) ?? 0));
				n += (ins.get(h) ?? 0) - (outs.get(h) ?? 0);
			}
		}
		const sum = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
		const cnt = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
		const hourSum = Array<number>(24).fill(0);
		const hourCnt = Array<number>(24).fill(0);
		const hourEntries = Array<number>(24).fill(0);
		const hourExits = Array<number>(24).fill(0);
		let maxInside: OccupancyReport['maxInside'] = null;
		for (const [h, n] of [...inside.entries()].sort((a, b) => a[0] - b[0])) {
			const { date, hour, weekday } = hourOfIndex(h);
			sum[weekday]![hour]! += n;
			cnt[weekday]![hour]! += 1;
			hourSum[hour]! += n;
			hourCnt[hour]! += 1;
			hourEntries[hour]! += entriesAt.get(h) ?? 0;
			hourExits[hour]! += exitsAt.get(h) ?? 0;
			if (!maxInside || n > maxInside.count) maxInside = { count: n, date, hour };
		}
		const avg = (total: number, n: number) => Math.round((total / n) * 10) / 10;
		const byHour = hourSum.map((total, hour) => ({ hour, averageInside: hourCnt[hour] ? avg(total, hourCnt[hour]!) : 0, entries: hourEntries[hour]!, exits: hourExits[hour]! }));
		return {
			...s,
			heatmap: sum.map((row, d) => row.map((total, hour) => (cnt[d]![hour] ? avg(total, cnt[d]![hour]!) : null))),
			byHour,
			peakHours: [...byHour]
				.sort((a, b) => b.averageInside - a.averageInside || a.hour - b.hour)
				.slice(0, 3)
				.map(({ hour, averageInside }) => ({ hour, averageInside })),
			maxInside,
			entries: hourEntries.reduce((a, b) => a + b, 0),
			exits: hourExits.reduce((a, b) => a + b, 0)
		};
	});
}

/** `<30 min`, `30 min–1 h`, …, `24 h+`. */
export function stayBucketLabel(i: number): string {
	const m = (n: number) => (n < 60 ? `${n} min` : `${n / 60} h`);
	if (i === 0) return `under ${m(STAY_BUCKETS_MINUTES[0])}`;
	if (i >= STAY_BUCKETS_MINUTES.length) return `${m(STAY_BUCKETS_MINUTES[STAY_BUCKETS_MINUTES.length - 1]!)} or more`;
	return `${m(STAY_BUCKETS_MINUTES[i - 1]!)}–${m(STAY_BUCKETS_MINUTES[i]!)}`;
}

export interface StayReport extends ReportScope {
	stays: number;
	/** mean stay in minutes, rounded (null without stays) */
	averageMinutes: number | null;
	distribution: Array<{ label: string; stays: number }>;
	byClass: Array<{ vehicleClass: string; stays: number; averageMinutes: number }>;
}

/** Completed stays that ended in the window: their mean length and how they spread. */
export async function stayReport(db: Database, query: ReportQuery, now: number, options: ReportOptions = {}): Promise<StayReport> {
	return db.run(async (x) => {
		const { windows, scope: s } = await scope(x, query, now, options);
		const bounds = STAY_BUCKETS_MINUTES.map((m) => m * 60_000);
		const dist = Array<number>(bounds.length + 1).fill(0);
		const classes = new Map<string, { stays: number; totalMs: number }>();
		for (const w of windows) {
			const rows = await rolledOr(w, options, (r) => stayRowsRolled(x, r, bounds), () => stayRows(x, w.lot.id, w.range.from, w.range.until, bounds));
			for (const r of rows) {
				dist[r.bucket]! += r.n;
				const c = classes.get(r.vehicleClass) ?? { stays: 0, totalMs: 0 };
				c.stays += r.n;
				c.totalMs += r.totalMs;
				classes.set(r.vehicleClass, c);
			}
		}
		const stays = dist.reduce((a, b) => a + b, 0);
		const totalMs = [...classes.values()].reduce((a, c) => a + c.totalMs, 0);
		return {
			...s,
			stays,
			averageMinutes: stays ? Math.round(totalMs / stays / 60_000) : null,
			distribution: dist.map((n, i) => ({ label: stayBucketLabel(i), stays: n })),
			byClass: [...classes.entries()]
				.map(([vehicleClass, c]) => ({ vehicleClass, stays: c.stays, averageMinutes: Math.round(c.totalMs / c.stays / 60_000) }))
				.sort((a, b) => b.stays - a.stays || a.vehicleClass.localeCompare(b.vehicleClass))
		};
	});
}

export interface AnomalyReport extends ReportScope {
	total: number;
	byKind: Array<{ kind: string; total: number; open: number; acknowledged: number; resolved: number }>;
	byDay: Array<{ date: string; count: number }>;
}

/** Anomalies first detected in the window, by kind and review status, and by day. */
export async function anomalyReport(db: Database, query: ReportQuery, now: number): Promise<AnomalyReport> {
	return db.run(async (x) => {
		const { windows, scope: s } = await scope(x, query, now);
		const byDay = new Map<string, number>(s.dates.map((d) => [d, 0]));
		const kinds = new Map<string, { total: number; open: number; acknowledged: number; resolved: number }>();
		for (const w of windows) {
			for (const r of await anomalyRows(x, w.lot.id, w.range.from, w.range.until, w.segments)) {
				const date = dateOfDay(r.day);
				byDay.set(date, (byDay.get(date) ?? 0) + r.n);
				const k = kinds.get(r.kind) ?? { total: 0, open: 0, acknowledged: 0, resolved: 0 };
				k.total += r.n;
				if (r.status === 'open' || r.status === 'acknowledged' || r.status === 'resolved') k[r.status] += r.n;
				kinds.set(r.kind, k);
			}
		}
		const byKind = [...kinds.entries()].map(([kind, k]) => ({ kind, ...k })).sort((a, b) => b.total - a.total || a.kind.localeCompare(b.kind));
		return { ...s, total: byKind.reduce((n, k) => n + k.total, 0), byKind, byDay: [...byDay.entries()].map(([date, count]) => ({ date, count })) };
	});
}

export type AnyReport = RevenueReport | OccupancyReport | StayReport | AnomalyReport;

/** Runs the report of `kind`. */
export function runReport(db: Database, kind: ReportKind, query: ReportQuery, now: number, options: ReportOptions = {}): Promise<AnyReport> {
	switch (kind) {
		case 'revenue':
			return revenueReport(db, query, now, options);
		case 'occupancy':
			return occupancyReport(db, query, now, options);
		case 'stays':
			return stayReport(db, query, now, options);
		case 'anomalies':
			return anomalyReport(db, query, now);
	}
}

