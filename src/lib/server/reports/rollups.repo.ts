/**
 * The report rollups: per-lot sums by local hour and day (`report_hours`, `report_revenue_days`,
 * `report_stay_days`), the deltas every session and payment change writes in its own
 * transaction (`report_deltas`), and the per-lot state saying which zone and rules the sums were
 * built for (`report_rollup_lots`).
 *
 * The rule that keeps them exact: for a lot whose state is current, the raw rows' contributions
 * (`contributions.ts`) equal the rollups plus the deltas not folded yet, in every committed
 * state. Writers append deltas (never touching a shared row, so they never wait on each other);
 * the `report-rollups` job folds deltas into the rollups and deletes exactly the ones it folded,
 * in one transaction; a rebuild recomputes a lot's rollups from the rows and deletes the deltas
 * it read in the same snapshot. A report reads rollups, unfolded deltas and the state in one
 * statement (one snapshot on both engines), and falls back to the raw rows when the state isn't
 * current.
 */
import { sql } from 'drizzle-orm';
import { execute, selectRows, type Executor } from '../db/database.ts';
import { difference, fold, emptyFolded, paymentContribution, sessionContributions, type Contribution, type Folded, type SessionFacts } from './contributions.ts';
import { bucketSql, stayBucketSql } from './reports.repo.ts';
import { DAY_MS, HOUR_MS, type OffsetSegment } from './time-buckets.ts';

const num = (v: unknown) => Number(v ?? 0);
/** A locking read on MySQL (SQLite's write transaction holds the whole database already). */
const lock = (x: Executor, mode: 'share' | 'update') => sql.raw(x.engine === 'mysql' ? (mode === 'share' ? ' lock in share mode' : ' for update') : '');

// --- writing deltas ---------------------------------------------------------------------------

async function insertDeltas(x: Executor, deltas: readonly Contribution[]): Promise<void> {
	for (let i = 0; i < deltas.length; i += 500) {
		const rows = deltas.slice(i, i + 500).map((d) => sql`(${d.lotId}, ${d.kind}, ${d.at}, ${d.vehicleClass}, ${d.method}, ${d.n}, ${d.amount})`);
		await execute(x, sql`insert into report_deltas (lot_id, kind, at, vehicle_class, method, n, amount) values ${sql.join(rows, sql`, `)}`);
	}
}

/**
 * Records what a change to session `id` does to the reports, in the caller's transaction:
 * `before` as it was (undefined for a new session), `after` as it is now. When the vehicle class
 * changes, the session's payments move to the new class.
 * On MySQL `before` must come from a locking read (or a guarded update that matched it).
 */
export async function recordSessionChange(x: Executor, id: string, before: SessionFacts | undefined, after: SessionFacts | undefined): Promise<void> {
	const deltas = difference(before ? sessionContributions(before) : [], after ? sessionContributions(after) : []);
	if (before && after && before.vehicleClass !== after.vehicleClass) {
		for (const p of await selectRows<Record<string, unknown>>(x, sql`select lot_id, at, method, amount_paise from payments where session_id = ${id}${lock(x, 'share')}`)) {
			const facts = { lotId: String(p.lot_id), at: num(p.at), method: String(p.method), amountPaise: num(p.amount_paise) };
			deltas.push(paymentContribution({ ...facts, vehicleClass: before.vehicleClass }, -1), paymentContribution({ ...facts, vehicleClass: after.vehicleClass }));
		}
	}
	if (deltas.length) await insertDeltas(x, deltas);
}

/**
 * Records a new payment in the reports, in the caller's transaction. The session's class is read
 * with a shared lock, so a class correction running meanwhile either sees this payment or is
 * seen by it.
 */
export async function recordPayment(x: Executor, p: { sessionId: string; lotId: string; at: number; method: string; amountPaise: number }): Promise<void> {
	const rows = await selectRows<Record<string, unknown>>(x, sql`select vehicle_class from parking_sessions where id = ${p.sessionId}${lock(x, 'share')}`);
	// a payment without its session is in no report (the report joins them)
	if (rows[0]) await insertDeltas(x, [paymentContribution({ ...p, vehicleClass: String(rows[0].vehicle_class) })]);
}

// --- the job: rebuilding and folding ----------------------------------------------------------

export interface LotRollupState {
	lotId: string;
	/** the lot's zone now */
	timeZone: string;
	/** the zone and version the rollups were built for, if ever */
	builtFor: { timeZone: string; version: string } | null;
}

export async function rollupStates(x: Executor): Promise<LotRollupState[]> {
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select l.id, l.time_zone, r.time_zone as built_zone, r.version from lots l left join report_rollup_lots r on r.lot_id = l.id order by l.id`
	);
	return rows.map((r) => ({ lotId: String(r.id), timeZone: String(r.time_zone), builtFor: r.version == null ? null : { timeZone: String(r.built_zone), version: String(r.version) } }));
}

/** The lot's state row, locked until the transaction ends (one rebuild or fold at a time). */
async function lockState(x: Executor, lotId: string): Promise<{ timeZone: string; version: string } | null> {
	const rows = await selectRows<Record<string, unknown>>(x, sql`select time_zone, version from report_rollup_lots where lot_id = ${lotId}${lock(x, 'update')}`);
	return rows[0] ? { timeZone: String(rows[0].time_zone), version: String(rows[0].version) } : null;
}

async function addFolded(x: Executor, lotId: string, f: Folded): Promise<void> {
	const upsert = (sets: string[]) => sql.raw(x.engine === 'sqlite' ? ` do update set ${sets.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}` : ` ${sets.map((c) => `${c} = ${c} + values(${c})`).join(', ')}`);
	const conflict = (keys: string) => sql.raw(x.engine === 'sqlite' ? ` on conflict (${keys})` : ' on duplicate key update');
	const batches = async <T>(rows: T[], fn: (batch: T[]) => Promise<unknown>) => {
		for (let i = 0; i < rows.length; i += 500) await fn(rows.slice(i, i + 500));
	};
	await batches([...f.hours.entries()], (b) =>
		execute(x, sql`insert into report_hours (lot_id, hour, entries, exits, leaves) values ${sql.join(b.map(([hour, h]) => sql`(${lotId}, ${hour}, ${h.entries}, ${h.exits}, ${h.leaves})`), sql`, `)}${conflict('lot_id, hour')}${upsert(['entries', 'exits', 'leaves'])}`)
	);
	await batches([...f.revenue.values()], (b) =>
		execute(
			x,
			sql`insert into report_revenue_days (lot_id, day, vehicle_class, method, paise, payments) values ${sql.join(b.map((r) => sql`(${lotId}, ${r.day}, ${r.vehicleClass}, ${r.method}, ${r.paise}, ${r.payments})`), sql`, `)}${conflict('lot_id, day, vehicle_class, method')}${upsert(['paise', 'payments'])}`
		)
	);
	await batches([...f.stays.values()], (b) =>
		execute(
			x,
			sql`insert into report_stay_days (lot_id, day, vehicle_class, bucket, stays, total_ms) values ${sql.join(b.map((s) => sql`(${lotId}, ${s.day}, ${s.vehicleClass}, ${s.bucket}, ${s.stays}, ${s.totalMs})`), sql`, `)}${conflict('lot_id, day, vehicle_class, bucket')}${upsert(['stays', 'total_ms'])}`
		)
	);
}

async function deleteDeltas(x: Executor, ids: number[]): Promise<void> {
	for (let i = 0; i < ids.length; i += 1000) await execute(x, sql`delete from report_deltas where id in (${sql.join(ids.slice(i, i + 1000).map((id) => sql`${id}`), sql`, `)})`);
}

const asContribution = (lotId: string, r: Record<string, unknown>): Contribution => ({
	lotId,
	kind: String(r.kind) as Contribution['kind'],
	at: num(r.at),
	vehicleClass: r.vehicle_class == null ? null : String(r.vehicle_class),
	method: r.method == null ? null : String(r.method),
	n: num(r.n),
	amount: num(r.amount)
});

/**
 * Recomputes one lot's rollups from its sessions and payments in the lot's current zone, in the
 * caller's transaction, and marks them built for `version`. Deletes the lot's deltas read in the
 * same snapshot as the rows (those committed later stay, to be folded).
 * @returns the rows read, or null when another instance had rebuilt it meanwhile
 */
export async function rebuildLot(x: Executor, lotId: string, version: string, now: number): Promise<{ sessions: number; payments: number } | null> {
	const state = await lockState(x, lotId);
	const lot = (await selectRows<Record<string, unknown>>(x, sql`select time_zone from lots where id = ${lotId}`))[0];
	if (!lot) return null;
	const timeZone = String(lot.time_zone);
	if (state && state.timeZone === timeZone && state.version === version) return null;
	const sessions = await selectRows<Record<string, unknown>>(x, sql`select id, status, entry_at, exit_at, vehicle_class from parking_sessions where lot_id = ${lotId}`);
	const payments = await selectRows<Record<string, unknown>>(x, sql`select session_id, at, method, amount_paise from payments where lot_id = ${lotId}`);
	const deltaIds = (await selectRows<Record<string, unknown>>(x, sql`select id from report_deltas where lot_id = ${lotId}`)).map((r) => num(r.id));
	const classOf = new Map<string, string>();
	const contributions: Contribution[] = [];
	for (const s of sessions) {
		classOf.set(String(s.id), String(s.vehicle_class));
		contributions.push(...sessionContributions({ lotId, status: String(s.status), entryAt: num(s.entry_at), exitAt: s.exit_at == null ? null : num(s.exit_at), vehicleClass: String(s.vehicle_class) }));
	}
	// payments taken in this lot for a session of another lot (none the app makes, but the report joins any)
	const elsewhere = [...new Set(payments.map((p) => String(p.session_id)).filter((id) => !classOf.has(id)))];
	for (let i = 0; i < elsewhere.length; i += 1000) {
		const ids = sql.join(elsewhere.slice(i, i + 1000).map((id) => sql`${id}`), sql`, `);
		for (const r of await selectRows<Record<string, unknown>>(x, sql`select id, vehicle_class from parking_sessions where id in (${ids})`)) classOf.set(String(r.id), String(r.vehicle_class));
	}
	for (const p of payments) {
		const vehicleClass = classOf.get(String(p.session_id));
		if (vehicleClass !== undefined) contributions.push(paymentContribution({ lotId, at: num(p.at), method: String(p.method), amountPaise: num(p.amount_paise), vehicleClass }));
	}
	for (const table of ['report_hours', 'report_revenue_days', 'report_stay_days']) await execute(x, sql`delete from ${sql.raw(table)} where lot_id = ${lotId}`);
	await addFolded(x, lotId, fold(emptyFolded(), contributions, timeZone));
	await deleteDeltas(x, deltaIds);
	if (state) await execute(x, sql`update report_rollup_lots set time_zone = ${timeZone}, version = ${version}, built_at = ${now} where lot_id = ${lotId}`);
	else await execute(x, sql`insert into report_rollup_lots (lot_id, time_zone, version, built_at) values (${lotId}, ${timeZone}, ${version}, ${now})`);
	return { sessions: sessions.length, payments: payments.length };
}

/**
 * Folds up to `limit` of a current lot's oldest deltas into its rollups and deletes them, in the
 * caller's transaction.
 * @returns how many were folded (0 also when the lot's rollups aren't current: rebuild it instead)
 */
export async function foldDeltas(x: Executor, lotId: string, version: string, limit: number): Promise<number> {
	const state = await lockState(x, lotId);
	const lot = (await selectRows<Record<string, unknown>>(x, sql`select time_zone from lots where id = ${lotId}`))[0];
	if (!state || !lot || state.version !== version || state.timeZone !== String(lot.time_zone)) return 0;
	const rows = await selectRows<Record<string, unknown>>(x, sql`select id, kind, at, vehicle_class, method, n, amount from report_deltas where lot_id = ${lotId} order by id limit ${sql.raw(String(Math.trunc(limit)))}`);
	if (rows.length === 0) return 0;
	await addFolded(x, lotId, fold(emptyFolded(), rows.map((r) => asContribution(lotId, r)), state.timeZone));
	await deleteDeltas(x, rows.map((r) => num(r.id)));
	return rows.length;
}

// --- reading: rollups + unfolded deltas + the state, one statement per lot ----------------------

/** One lot's report window as the rollups see it. */
export interface RollupWindow {
	lotId: string;
	timeZone: string;
	version: string;
	/** `[from, until)`: local midnight to local midnight, both clean day cuts (`isDayCut`) */
	from: number;
	until: number;
	/** local day indices of the first and last day */
	firstDay: number;
	lastDay: number;
	segments: readonly OffsetSegment[];
}

/**
 * The row that says whether the lot's rollups are current (`fresh` 1, else 0), read in the same
 * statement, hence the same snapshot, as the sums: every select of a report's union has the
 * columns `marker` (0 the sums, 1 this row) and `fresh`, then the sums' own columns.
 */
const freshRow = (w: RollupWindow, nulls: number) =>
	sql`select 1 as marker, (select count(*) from report_rollup_lots where lot_id = ${w.lotId} and time_zone = ${w.timeZone} and version = ${w.version}) as fresh${sql.raw(', null'.repeat(nulls))}`;

function sums(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> | null {
	const marker = rows.find((r) => num(r.marker) === 1);
	if (!marker || num(marker.fresh) !== 1) return null;
	return rows.filter((r) => num(r.marker) === 0);
}

/** Like `revenueRows`, from the rollups; null when the lot's rollups aren't current. */
export async function revenueRowsRolled(x: Executor, w: RollupWindow): Promise<Array<{ day: number; vehicleClass: string; method: string; paise: number; payments: number }> | null> {
	const day = bucketSql(x, 'at', w.segments, DAY_MS);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select 0 as marker, null as fresh, day, vehicle_class, method, sum(paise) as paise, sum(n) as n from (
				select day, vehicle_class, method, paise, payments as n from report_revenue_days where lot_id = ${w.lotId} and day >= ${w.firstDay} and day <= ${w.lastDay}
				union all
				select ${day} as day, vehicle_class, method, n * amount as paise, n from report_deltas where lot_id = ${w.lotId} and kind = 'payment' and at >= ${w.from} and at < ${w.until}
			) u group by day, vehicle_class, method having sum(n) <> 0
			union all ${freshRow(w, 5)}`
	);
	return sums(rows)?.map((r) => ({ day: num(r.day), vehicleClass: String(r.vehicle_class), method: String(r.method), paise: num(r.paise), payments: num(r.n) })) ?? null;
}

/** Entries and exits by local hour and the count inside at `from`, from the rollups; null when not current. */
export async function occupancyRolled(x: Executor, w: RollupWindow): Promise<{ entries: Map<number, number>; exits: Map<number, number>; insideAtStart: number } | null> {
	const hour = bucketSql(x, 'at', w.segments, HOUR_MS);
	const firstHour = w.firstDay * 24;
	const untilHour = (w.lastDay + 1) * 24;
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select 0 as marker, null as fresh, hour, sum(entries) as entries, sum(exits) as exits from (
				select hour, entries, exits from report_hours where lot_id = ${w.lotId} and hour >= ${firstHour} and hour < ${untilHour}
				union all
				select ${hour} as hour, case when kind = 'entry' then n else 0 end as entries, case when kind = 'exit' then n else 0 end as exits
					from report_deltas where lot_id = ${w.lotId} and kind in ('entry', 'exit') and at >= ${w.from} and at < ${w.until}
			) u group by hour
			union all
			select 2 as marker, null, null,
				(select coalesce(sum(entries - leaves), 0) from report_hours where lot_id = ${w.lotId} and hour < ${firstHour})
				+ (select coalesce(sum(case when kind = 'entry' then n else -n end), 0) from report_deltas where lot_id = ${w.lotId} and kind in ('entry', 'leave') and at < ${w.from}),
				null
			union all ${freshRow(w, 3)}`
	);
	const data = sums(rows);
	if (!data) return null;
	const entries = new Map<number, number>();
	const exits = new Map<number, number>();
	for (const r of data) {
		entries.set(num(r.hour), num(r.entries));
		exits.set(num(r.hour), num(r.exits));
	}
	return { entries, exits, insideAtStart: num(rows.find((r) => num(r.marker) === 2)?.entries) };
}

/** Like `stayRows`, from the rollups; null when not current. */
export async function stayRowsRolled(x: Executor, w: RollupWindow, boundsMs: readonly number[]): Promise<Array<{ vehicleClass: string; bucket: number; n: number; totalMs: number }> | null> {
	const which = stayBucketSql('amount', boundsMs);
	const rows = await selectRows<Record<string, unknown>>(
		x,
		sql`select 0 as marker, null as fresh, vehicle_class, bucket, sum(stays) as n, sum(total_ms) as total_ms from (
				select vehicle_class, bucket, stays, total_ms from report_stay_days where lot_id = ${w.lotId} and day >= ${w.firstDay} and day <= ${w.lastDay}
				union all
				select vehicle_class, ${which} as bucket, n as stays, n * amount as total_ms from report_deltas where lot_id = ${w.lotId} and kind = 'stay' and at >= ${w.from} and at < ${w.until}
			) u group by vehicle_class, bucket having sum(stays) <> 0
			union all ${freshRow(w, 4)}`
	);
	return sums(rows)?.map((r) => ({ vehicleClass: String(r.vehicle_class), bucket: num(r.bucket), n: num(r.n), totalMs: num(r.total_ms) })) ?? null;
}
