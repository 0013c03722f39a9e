/**
 * The report queries: grouped counts and sums, one lot at a time, on both engines. Instants are
 * bucketed by the lot's local day or hour in SQL (see `time-buckets.ts`); every query reads a
 * range of one of the report indexes (`parking_sessions_status_idx`, `…_lot_exit_idx`,
 * `payments_lot_at_idx`, `anomalies_lot_detected_idx`).
 */
import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type Executor } from '../db/database.ts';
import { DAY_MS, HOUR_MS, type OffsetSegment } from './time-buckets.ts';

/** `floor((column + offset) / unit)` with the offset of the segment the instant falls in. */
export function bucketSql(x: Executor, column: string, segments: readonly OffsetSegment[], unitMs: number): SQL {
	const safe = (n: number) => {
		if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
		return String(n);
	};
	let offset: string;
	if (segments.length === 1) offset = safe(segments[0]!.offsetMs);
	else {
		const whens = segments.slice(0, -1).map((s) => `when ${column} < ${safe(s.until)} then ${safe(s.offsetMs)}`);
		offset = `(case ${whens.join(' ')} else ${safe(segments[segments.length - 1]!.offsetMs)} end)`;
	}
	// both sides are integers: SQLite's `/` truncates them, MariaDB needs DIV; instants are positive
	const divide = x.engine === 'sqlite' ? '/' : 'div';
	return sql.raw(`((${column} + ${offset}) ${divide} ${safe(unitMs)})`);
}

const num = (v: unknown) => Number(v ?? 0);

export interface RevenueRow {
	day: number;
	vehicleClass: string;
	method: string;
	paise: number;
	payments: number;
}

/** Payments received in the lot in `[from, until)`, by local day, the session's class and method. */
export async function revenueRows(x: Executor, lotId: string, from: number, until: number, segments: readonly OffsetSegment[]): Promise<RevenueRow[]> {
	const day = bucketSql(x, 'p.at', segments, DAY_MS);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select ${day} as day, s.vehicle_class as vehicle_class, p.method as method, sum(p.amount_paise) as paise, count(*) as n
			from payments p join parking_sessions s on s.id = p.session_id
			where p.lot_id = ${lotId} and p.at >= ${from} and p.at < ${until}
			group by 1, 2, 3`
	);
	return rows.map((r) => ({ day: num(r.day), vehicleClass: String(r.vehicle_class), method: String(r.method), paise: num(r.paise), payments: num(r.n) }));
}

export interface HourCount {
	hour: number;
	n: number;
}

/** Entries (sessions not voided) in `[from, until)`, by local hour. */
export async function entriesByHour(x: Executor, lotId: string, from: number, until: number, segments: readonly OffsetSegment[]): Promise<HourCount[]> {
	const hour = bucketSql(x, 'entry_at', segments, HOUR_MS);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select ${hour} as hour, count(*) as n from parking_sessions
			where lot_id = ${lotId} and status in ('active', 'completed') and entry_at >= ${from} and entry_at < ${until}
			group by 1`
	);
	return rows.map((r) => ({ hour: num(r.hour), n: num(r.n) }));
}

/** Exits (completed sessions) in `[from, until)`, by local hour. */
export async function exitsByHour(x: Executor, lotId: string, from: number, until: number, segments: readonly OffsetSegment[]): Promise<HourCount[]> {
	const hour = bucketSql(x, 'exit_at', segments, HOUR_MS);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select ${hour} as hour, count(*) as n from parking_sessions
			where lot_id = ${lotId} and exit_at >= ${from} and exit_at < ${until} and status = 'completed'
			group by 1`
	);
	return rows.map((r) => ({ hour: num(r.hour), n: num(r.n) }));
}

/**
 * Vehicles inside the lot at instant `at`: entered before it (not voided) and not yet out
 * (`exit_at >= at` or still active). Reads only the active sessions and the exits from `at` on.
 */
export async function insideAt(x: Executor, lotId: string, at: number): Promise<number> {
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select
			(select count(*) from parking_sessions where lot_id = ${lotId} and status = 'active' and entry_at < ${at})
			+ (select count(*) from parking_sessions where lot_id = ${lotId} and exit_at >= ${at} and status = 'completed' and entry_at < ${at}) as n`
	);
	return num(rows[0]?.n);
}

/** The index of the first bound `length` is under (`boundsMs` ascending), or the bounds' count. */
export function stayBucketSql(length: string, boundsMs: readonly number[]): SQL {
	const cases = boundsMs.map((b, i) => `when ${length} < ${Math.trunc(b)} then ${i}`).join(' ');
	return sql.raw(`(case ${cases} else ${boundsMs.length} end)`);
}

export interface StayRow {
	vehicleClass: string;
	/** index into the bounds given (the last is "longer than every bound") */
	bucket: number;
	n: number;
	totalMs: number;
}

/** Completed stays that ended in `[from, until)`, by class and length bucket (`boundsMs` ascending). */
export async function stayRows(x: Executor, lotId: string, from: number, until: number, boundsMs: readonly number[]): Promise<StayRow[]> {
	const which = stayBucketSql('exit_at - entry_at', boundsMs);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select vehicle_class, ${which} as bucket, count(*) as n, sum(exit_at - entry_at) as total_ms from parking_sessions
			where lot_id = ${lotId} and exit_at >= ${from} and exit_at < ${until} and status = 'completed'
			group by 1, 2`
	);
	return rows.map((r) => ({ vehicleClass: String(r.vehicle_class), bucket: num(r.bucket), n: num(r.n), totalMs: num(r.total_ms) }));
}

export interface AnomalyCountRow {
	day: number;
	kind: string;
	status: string;
	n: number;
}

/** Anomalies first detected in `[from, until)`, by local day, kind and review status. */
export async function anomalyRows(x: Executor, lotId: string, from: number, until: number, segments: readonly OffsetSegment[]): Promise<AnomalyCountRow[]> {
	const day = bucketSql(x, 'detected_at', segments, DAY_MS);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select ${day} as day, kind, status, count(*) as n from anomalies
			where lot_id = ${lotId} and detected_at >= ${from} and detected_at < ${until}
			group by 1, 2, 3`
	);
	return rows.map((r) => ({ day: num(r.day), kind: String(r.kind), status: String(r.status), n: num(r.n) }));
}

export interface LotToday {
	entries: number;
	exits: number;
	revenueToday: number;
	revenueWeek: number;
	revenueMonth: number;
	openAnomalies: number;
}

/**
 * The dashboard's counters for one lot, in one round trip: entries and exits since `dayStart`,
 * payments since the day's, week's and month's starts, open anomalies.
 */
export async function lotToday(x: Executor, lotId: string, starts: { day: number; week: number; month: number }, now: number): Promise<LotToday> {
	const since = Math.min(starts.week, starts.month);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select
			(select count(*) from parking_sessions where lot_id = ${lotId} and status in ('active', 'completed') and entry_at >= ${starts.day} and entry_at <= ${now}) as entries,
			(select count(*) from parking_sessions where lot_id = ${lotId} and exit_at >= ${starts.day} and exit_at <= ${now} and status = 'completed') as exits,
			(select coalesce(sum(case when at >= ${starts.day} then amount_paise else 0 end), 0) from payments where lot_id = ${lotId} and at >= ${since} and at <= ${now}) as today,
			(select coalesce(sum(case when at >= ${starts.week} then amount_paise else 0 end), 0) from payments where lot_id = ${lotId} and at >= ${since} and at <= ${now}) as week,
			(select coalesce(sum(case when at >= ${starts.month} then amount_paise else 0 end), 0) from payments where lot_id = ${lotId} and at >= ${since} and at <= ${now}) as month,
			(select count(*) from anomalies where lot_id = ${lotId} and status = 'open') as open_anomalies`
	);
	const r = rows[0] ?? {};
	return {
		entries: num(r.entries),
		exits: num(r.exits),
		revenueToday: num(r.today),
		revenueWeek: num(r.week),
		revenueMonth: num(r.month),
		openAnomalies: num(r.open_anomalies)
	};
}
