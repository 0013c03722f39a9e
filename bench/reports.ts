/**
 * `npm run bench:reports`: p95 time of each report and of the dashboard's first data with
 * 1,000,000 sessions over a year in MariaDB (or SQLite with `--engine sqlite`). The data is
 * generated once into its own database (`spms_bench_reports` on MARIADB_TEST_URL, default
 * root@127.0.0.1:3306, or `--database NAME`; SQLite: the file `--database`, default
 * /tmp/spms-bench-reports.sqlite) with multi-row INSERTs, and reused while it holds the expected
 * rows (`--regenerate` makes it afresh). Never part of the tests. Options: --sessions N (default
 * 1000000), --runs N (default 20; 5 for the 365-day windows).
 * Goal: every report p95 ≤ 500 ms (indexes, not caches).
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { openDatabase, type Database } from '../src/lib/server/db/database.ts';
import { lotsNow, dashboard } from '../src/lib/server/reports/dashboard.ts';
import { REPORT_KINDS, runReport, type ReportQuery } from '../src/lib/server/reports/reports.ts';
import { refreshReportRollups } from '../src/lib/server/reports/rollups.ts';
import { formatLocalDate, localDateAt } from '../src/lib/parking/time-zone.ts';
import { LocalImageStore } from '../src/lib/server/storage/local.ts';
import { reportFigures } from './report.ts';
import { machine, plateFor, quantile } from './support.ts';
import { createRandom } from '../src/lib/parking/simulator/random.ts';

const { values } = parseArgs({
	options: {
		sessions: { type: 'string', default: '1000000' },
		runs: { type: 'string', default: '20' },
		regenerate: { type: 'boolean', default: false },
		engine: { type: 'string', default: 'mysql' },
		database: { type: 'string' }
	}
});
const ENGINE = values.engine === 'sqlite' ? 'sqlite' : 'mysql';
const SESSIONS = Number(values.sessions);
const RUNS = Number(values.runs);
const YEAR_RUNS = 5;
const ADMIN_URL = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306';
const DB_NAME = ENGINE === 'mysql' ? (values.database ?? 'spms_bench_reports') : (values.database ?? '/tmp/spms-bench-reports.sqlite');
const URL_ = `${ADMIN_URL.replace(/\/$/, '')}/${DB_NAME}`;
const DAY = 86_400_000;
const MIN = 60_000;
const LOTS = [
	{ id: 'bench-lot-1', name: 'Forum Mall', share: 0.4 },
	{ id: 'bench-lot-2', name: 'City Centre', share: 0.3 },
	{ id: 'bench-lot-3', name: 'Airport P1', share: 0.2 },
	{ id: 'bench-lot-4', name: 'Metro Station', share: 0.1 }
];
const ZONE = 'Asia/Kolkata';


// arrivals by local hour: quiet nights, a morning and an evening rush
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.3, 0.5, 1, 3, 6, 9, 10, 9, 8, 8, 8, 7, 7, 8, 9, 10, 9, 7, 5, 3, 2];
const CUMULATIVE = HOUR_WEIGHTS.map(((s) => (w: number) => (s += w))(0)).map((c, _i, a) => c / a[a.length - 1]!);

/** Plain SQL on the bench's database, past the app's layer: multi-row inserts, counts. */
interface Raw {
	exec(statement: string): Promise<void>;
	insert(table: string, columns: string, rows: unknown[][]): Promise<void>;
	one(query: string): Promise<Record<string, unknown>>;
	end(): Promise<void>;
}

async function connect(): Promise<Raw> {
	if (ENGINE === 'sqlite') {
		const c = new Sqlite(DB_NAME);
		const cache = new Map<string, Sqlite.Statement>();
		return {
			exec: async (statement) => void c.exec(statement),
			async insert(table, columns, rows) {
				const key = `${table}(${columns})`;
				const n = columns.split(',').length;
				const st = cache.get(key) ?? c.prepare(`INSERT INTO ${table} (${columns}) VALUES (${Array(n).fill('?').join(',')})`);
				cache.set(key, st);
				c.transaction(() => rows.forEach((r) => st.run(...r)))();
			},
			one: async (query) => c.prepare(query).get() as Record<string, unknown>,
			end: async () => void c.close()
		};
	}
	const c = await mysql.createConnection({ uri: URL_, multipleStatements: true });
	return {
		exec: async (statement) => void (await c.query(statement)),
		insert: async (table, columns, rows) => void (await c.query(`INSERT INTO ${table} (${columns}) VALUES ?`, [rows])),
		one: async (query) => ((await c.query(query)) as unknown as [Array<Record<string, unknown>>])[0][0]!,
		end: () => c.end()
	};
}

async function generate(db: Database, now: number): Promise<void> {
	const conn = await connect();
	const started = performance.now();
	await conn.exec(ENGINE === 'mysql' ? 'SET FOREIGN_KEY_CHECKS = 0; SET UNIQUE_CHECKS = 0' : 'PRAGMA foreign_keys = OFF');
	for (const t of ['payments', 'anomalies', 'parking_sessions', 'gate_captures', 'gate_commands', 'gates', 'tariff_plans', 'lots']) await conn.exec(`DELETE FROM ${t}`);
	await conn.insert('lots', 'id, name, country, time_zone, currency, capacity, long_stay_minutes, image_retention_days, created_at',
		LOTS.map((l, i) => [l.id, l.name, 'in', ZONE, 'INR', JSON.stringify({ car: Math.round(3000 * l.share), 'two-wheeler': Math.round(4000 * l.share) }), 720, 30, now - 400 * DAY + i])
	);
	await conn.insert('gates', 'id, lot_id, name, direction, camera_url, device_key_id, last_heartbeat_at, created_at',
		LOTS.flatMap((l) => [
			[`${l.id}-in`, l.id, `${l.name} entry`, 'entry', null, null, now - 5_000, now - 400 * DAY],
			[`${l.id}-out`, l.id, `${l.name} exit`, 'exit', null, null, now - 90_000, now - 400 * DAY]
		])
	);
	const random = createRandom(42);
	const rnd = () => random.next();
	const start = now - 365 * DAY;
	const BATCH = 2000;
	let sessions: unknown[][] = [];
	let payments: unknown[][] = [];
	let anomalies: unknown[][] = [];
	const flush = async () => {
		if (sessions.length)
			await conn.insert('parking_sessions', 'id, lot_id, plate, vehicle_class, status, active_key, entry_at, exit_at, entry_gate_id, exit_gate_id, entry_confidence, exit_plate_read, fee_paise, paid_paise, tariff_snapshot, permit_id, started_by, ended_by, created_at, updated_at', sessions);
		if (payments.length) await conn.insert('payments', 'id, session_id, lot_id, amount_paise, method, reference, received_by, at', payments);
		if (anomalies.length)
			await conn.insert('anomalies', 'id, lot_id, kind, dedup_key, plate, session_id, related_session_id, evidence, occurrences, last_seen_at, status, note, detected_at, reviewed_by, reviewed_at', anomalies);
		sessions = [];
		payments = [];
		anomalies = [];
	};
	// sessions in entry order, the day's arrivals drawn by the hourly profile
	const perDay = SESSIONS / 365;
	let n = 0;
	for (let day = 0; day < 365 && n < SESSIONS; day++) {
		const count = day === 364 ? SESSIONS - n : Math.round(perDay * (0.8 + 0.4 * rnd()));
		const times: number[] = [];
		for (let i = 0; i < count; i++) {
			const u = rnd();
			const hour = CUMULATIVE.findIndex((c) => u <= c);
			// midnight IST of this day + the hour + a minute within it
			times.push(start + day * DAY - 5.5 * 3_600_000 + hour * 3_600_000 + Math.floor(rnd() * 3_600_000));
		}
		times.sort((a, b) => a - b);
		for (const entryAt of times) {
			if (n >= SESSIONS) break;
			const r = rnd();
			const lot = LOTS[r < 0.4 ? 0 : r < 0.7 ? 1 : r < 0.9 ? 2 : 3]!;
			const id = `b${n.toString(36).padStart(6, '0')}`;
			const plate = plateFor(n);
			const vehicleClass = rnd() < 0.35 ? 'two-wheeler' : 'car';
			const stay = Math.round(Math.exp(Math.log(90) + 0.9 * (rnd() + rnd() + rnd() - 1.5) * 1.6) * MIN);
			const exitAt = entryAt + stay;
			const active = exitAt > now;
			const voided = !active && rnd() < 0.01;
			const status = active ? 'active' : voided ? 'voided' : 'completed';
			const fee = status === 'completed' ? (vehicleClass === 'car' ? 5000 : 2000) * Math.max(1, Math.ceil(stay / 3_600_000)) : null;
			const paid = fee && rnd() < 0.97 ? fee : 0;
			sessions.push([id, lot.id, plate, vehicleClass, status, active ? `${lot.id}:${plate}` : null, entryAt, active ? null : exitAt, `${lot.id}-in`, active ? null : `${lot.id}-out`, 0.95, null, fee, paid, null, null, null, null, entryAt, active ? entryAt : exitAt]);
			if (paid) payments.push([`${id}p`, id, lot.id, paid, rnd() < 0.5 ? 'upi' : rnd() < 0.7 ? 'cash' : 'card', null, null, exitAt]);
			if (rnd() < 0.02) {
				const kind = ['plate-mismatch', 'exit-without-entry', 'low-confidence', 'long-stay', 'duplicate-entry'][Math.floor(rnd() * 5)]!;
				const at = active ? entryAt : exitAt;
				anomalies.push([`${id}a`, lot.id, kind, `${id}a`, plate, id, null, '{}', 1, at, at > now - 7 * DAY ? 'open' : rnd() < 0.7 ? 'resolved' : 'acknowledged', null, at, null, null]);
			}
			n++;
			if (sessions.length >= BATCH) await flush();
		}
		if (day % 30 === 0) process.stdout.write(`\r  generating: ${n.toLocaleString('en-IN')} sessions`);
	}
	await flush();
	await conn.exec(ENGINE === 'mysql' ? 'SET FOREIGN_KEY_CHECKS = 1; SET UNIQUE_CHECKS = 1' : 'PRAGMA foreign_keys = ON');
	await conn.exec(ENGINE === 'mysql' ? 'ANALYZE TABLE parking_sessions, payments, anomalies' : 'ANALYZE');
	await conn.end();
	console.log(`\r  generated ${n.toLocaleString('en-IN')} sessions over 365 days in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	void db;
}

async function counts(): Promise<{ sessions: number; payments: number; anomalies: number }> {
	const c = await connect();
	const s = await c.one('SELECT COUNT(*) AS n FROM parking_sessions');
	const p = await c.one('SELECT COUNT(*) AS n FROM payments');
	const a = await c.one('SELECT COUNT(*) AS n FROM anomalies');
	await c.end();
	return { sessions: Number(s.n), payments: Number(p.n), anomalies: Number(a.n) };
}

async function time(fn: () => Promise<unknown>, runs = RUNS): Promise<{ p50: number; p95: number; max: number }> {
	await fn(); // warm
	const ms: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		await fn();
		ms.push(performance.now() - t);
	}
	return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), max: Math.max(...ms) };
}

async function main(): Promise<void> {
	if (ENGINE === 'mysql') {
		const admin = await mysql.createConnection({ uri: ADMIN_URL });
		await admin.query(`CREATE DATABASE IF NOT EXISTS \`${DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
		await admin.end();
	}
	const db = await openDatabase(ENGINE === 'mysql' ? { engine: 'mysql', url: URL_ } : { engine: 'sqlite', file: DB_NAME }, resolve(import.meta.dirname, '../drizzle'));
	// the data is anchored to the day it was made: reuse it as it is (the windows below follow it)
	let have = await counts();
	if (values.regenerate || have.sessions !== SESSIONS) {
		console.log(`bench:reports: making ${SESSIONS.toLocaleString('en-IN')} sessions in ${DB_NAME} (once; reused afterwards)`);
		await generate(db, Date.now());
		have = await counts();
	} else console.log(`bench:reports: reusing ${DB_NAME}`);
	const c = await connect();
	const { last } = await c.one('SELECT MAX(entry_at) AS last FROM parking_sessions');
	await c.end();
	const now = Number(last) + 60_000;
	const to = localDateAt(now, ZONE);
	const toDate = formatLocalDate(to);
	const back = (days: number) => formatLocalDate(localDateAt(now - days * DAY, ZONE));
	console.log(`${machine()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${ENGINE === 'mysql' ? 'MariaDB' : 'SQLite'} ${DB_NAME}: ${have.sessions.toLocaleString('en-IN')} sessions, ${have.payments.toLocaleString('en-IN')} payments, ${have.anomalies.toLocaleString('en-IN')} anomalies in ${LOTS.length} lots; ${RUNS} runs each\n`);

	const scopes: Array<[string, ReportQuery]> = [
		['one lot, 30 days', { lotId: LOTS[0]!.id, from: back(29), to: toDate }],
		['all lots, 30 days', { from: back(29), to: toDate }],
		['one lot, 365 days', { lotId: LOTS[0]!.id, from: back(364), to: toDate }],
		['all lots, 365 days', { from: back(364), to: toDate }]
	];
	// the rows were written past the app (no deltas): build the rollups as the report-rollups job
	// would after the migration, then check the rollups against the raw rows on a month of lot 1
	const built = performance.now();
	const refresh = await refreshReportRollups(db, now);
	const buildMs = performance.now() - built;
	if (refresh.rebuilt.length) console.log(`rollups built for ${refresh.rebuilt.length} lots in ${(buildMs / 1000).toFixed(1)} s (${refresh.rebuilt.map((r) => `${r.lotId} ${(r.ms / 1000).toFixed(1)} s`).join(', ')})`);
	for (const kind of REPORT_KINDS) {
		const sources: string[] = [];
		const rolled = await runReport(db, kind, scopes[0]![1], now, { onSource: (_lot, source) => sources.push(source) });
		const raw = await runReport(db, kind, scopes[0]![1], now, { rollups: false });
		if (!isDeepStrictEqual(rolled, raw)) throw new Error(`bench:reports: ${kind} from the rollups differs from the raw rows`);
		console.log(`${kind}: the same figures from ${sources.join(', ') || 'the rows'} as from the raw rows`);
	}
	console.log('');
	// rows are printed as they are measured
	const rows = { push: (line: string) => console.log(line), join: () => '' };
	const pad = (s: string, n: number) => s.padEnd(n);
	const fmt = (v: number) => v.toFixed(1).padStart(8);
	rows.push(`${pad('report', 12)} ${pad('scope', 20)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  goal p95 ≤ 500`);
	let worst30 = 0;
	let worst = 0;
	const figures: Record<string, number> = {};
	for (const kind of REPORT_KINDS) {
		for (const [name, q] of scopes) {
			// a year's window reads the year's rows: fewer runs (its p95 is then nearly its max)
			const r = await time(() => runReport(db, kind, q, now), name.includes('365') ? Math.min(RUNS, YEAR_RUNS) : RUNS);
			if (name.includes('30')) worst30 = Math.max(worst30, r.p95);
			worst = Math.max(worst, r.p95);
			figures[`${kind}, ${name}: p95 ms`] = r.p95;
			rows.push(`${pad(kind, 12)} ${pad(name, 20)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.max)}  ${r.p95 <= 500 ? 'ok' : 'OVER'}`);
		}
	}
	const images = new LocalImageStore('/tmp/spms-bench-reports-images');
	const first = await time(() => lotsNow(db, now));
	rows.push(`${pad('dashboard', 12)} ${pad('first data (lots)', 20)} ${fmt(first.p50)} ${fmt(first.p95)} ${fmt(first.max)}  ${first.p95 <= 500 ? 'ok' : 'OVER'}`);
	const full = await time(() => dashboard(db, images, now));
	rows.push(`${pad('dashboard', 12)} ${pad('whole page data', 20)} ${fmt(full.p50)} ${fmt(full.p95)} ${fmt(full.max)}  ${full.p95 <= 500 ? 'ok' : 'OVER'}`);
	console.log(`\nworst 30-day report p95: ${worst30.toFixed(1)} ms`);
	reportFigures('bench:reports', { worstP95: worst, worst30P95: worst30, dashboardFirstP95: first.p95, dashboardP95: full.p95, ...figures }, [`${have.sessions.toLocaleString('en')} sessions, ${have.payments.toLocaleString('en')} payments in ${LOTS.length} lots (${ENGINE}); ${RUNS} runs each (${YEAR_RUNS} for 365 days)`]);
	await db.close();
}

await main();
