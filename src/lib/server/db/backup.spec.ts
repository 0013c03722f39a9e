import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Sqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { simulateTraffic } from '../../parking/simulator/index.ts';
import { newId } from '../../id.ts';
import { registerUser } from '../auth/accounts.ts';
import type { DatabaseConfig } from '../config.ts';
import { appendEvent } from '../parking/events.repo.ts';
import type { ParkingSettings } from '../parking/sessions.ts';
import { driveSimulation, prepareSimulation } from '../parking/simulation-driver.ts';
import { makeFixture, seedFixture } from '../reports/fixture.ts';
import { fillOutbox, outboxRow } from '../sms/testing.ts';
import { backupDatabase, BackupError, restoreDatabase, type BackupSummary } from './backup.ts';
import { backupMysql } from './backup.mysql.ts';
import { openDatabase, type Database, type Engine } from './database.ts';
import { ENGINES, mariadbAvailable, MARIADB_TEST_URL } from './testing.ts';

const migrationsDir = resolve(import.meta.dirname, '../../../../drizzle');
const settings: ParkingSettings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };
const T0 = Date.UTC(2026, 2, 1, 18, 30);
const DAY = 86_400_000;

/** Databases made by this file, by name, dropped at the end. */
const made = { dirs: [] as string[], mysql: [] as string[] };

/** A place for a new database on `engine`: a file that doesn't exist yet, or a database name not made yet. */
function place(engine: Engine): DatabaseConfig {
	if (engine === 'sqlite') {
		const dir = mkdtempSync(join(tmpdir(), 'spms-backup-'));
		made.dirs.push(dir);
		return { engine: 'sqlite', file: join(dir, 'spms.sqlite') };
	}
	const name = `spms_test_${newId().slice(0, 12).toLowerCase()}`;
	made.mysql.push(name);
	return { engine: 'mysql', url: `${MARIADB_TEST_URL.replace(/\/$/, '')}/${name}` };
}

async function createMysqlDatabase(cfg: DatabaseConfig): Promise<void> {
	if (cfg.engine !== 'mysql') return;
	const c = await mysql.createConnection({ uri: MARIADB_TEST_URL });
	await c.query(`CREATE DATABASE \`${new URL(cfg.url).pathname.slice(1)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
	await c.end();
}

/** A database with what a lot's life leaves behind: a simulated day through the services, the reports fixture, accounts, SMS, events, and awkward text. */
async function fill(db: Database): Promise<void> {
	const simulation = simulateTraffic({
		seed: 11,
		startMs: T0,
		hours: 12,
		lot: { capacity: { car: 50, 'two-wheeler': 20 }, longStayMinutes: 600, lowConfidenceThreshold: settings.ocrConfidenceThreshold },
		faults: { 'misread-exit': 0.05, 'duplicate-entry': 0.05, 'missed-entry': 0.03, 'unreadable-entry': 0.03, 'long-stay': 0.03, 'low-confidence': 0.05, 'hotlist-visit': 0.03, 'permit-expiry': 1, 'over-capacity': 1 }
	});
	const target = await prepareSimulation(db, simulation, settings, { name: 'Backup lot', currency: 'INR' });
	await driveSimulation(db, simulation, target, settings);
	await seedFixture(db, makeFixture(T0 - 10 * DAY, T0, 120, 5));
	await registerUser(db, { email: 'admin@example.com', password: 'a-long-password-1', role: 'admin' }, T0);
	await registerUser(db, { email: 'driver@example.com', password: 'a-long-password-2', role: 'driver', phone: '+919876543210' }, T0);
	await db.transaction(async (x) => {
		await fillOutbox(x, Array.from({ length: 30 }, (_, i) => outboxRow(T0 + i, { toPhone: `+9198765432${String(i).padStart(2, '0')}`, status: i % 3 ? 'accepted' : 'pending' })));
		await x.q.insert(x.t.auditLog).values({
			id: 'awkward',
			at: T0,
			actorUserId: null,
			actorDeviceId: null,
			action: 'test.text',
			entity: 'test',
			entityId: "O'Brien \\ \"quoted\"",
			details: { note: "quote ' backslash \\ tab \t newline \n NUL-free emoji 🚗 ₹ 例え", nested: { n: 0.1 + 0.2, big: 2 ** 53 - 1, list: [1, null, 'x'] } }
		});
		for (let i = 0; i < 5; i++) await appendEvent(x, { lotId: null, type: 'test.event', payload: { i }, at: T0 + i });
	});
	// the counter runs past the last row: a restore must not hand the deleted number out again
	await db.run((x) => x.q.delete(x.t.events).where(and(eq(x.t.events.type, 'test.event'), eq(x.t.events.at, T0 + 4))));
}

/** The tables `fill` reaches (the others are empty in both and compared all the same). */
const FILLED = ['__drizzle_migrations', 'anomalies', 'audit_log', 'events', 'gates', 'hotlist', 'lots', 'parking_sessions', 'payments', 'permits', 'sms_outbox', 'users'];

type Tables = Map<string, { ddl: string; rows: unknown[] }>;

/** Every table of the database, with its definition and all its rows in primary-key order. */
async function snapshot(cfg: DatabaseConfig): Promise<Tables> {
	const out: Tables = new Map();
	if (cfg.engine === 'sqlite') {
		const db = new Sqlite(cfg.file, { readonly: true, fileMustExist: true });
		try {
			const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string; sql: string }>;
			for (const t of tables) out.set(t.name, { ddl: t.sql, rows: db.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).all() });
			const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
			out.set('(indexes)', { ddl: '', rows: indexes });
		} finally {
			db.close();
		}
		return out;
	}
	const name = new URL(cfg.url).pathname.slice(1);
	const c = await mysql.createConnection({ uri: cfg.url, supportBigNumbers: true, jsonStrings: true, dateStrings: true });
	try {
		const [tables] = (await c.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [name])) as unknown as [Array<{ t: string }>];
		for (const { t } of tables) {
			const [[create]] = (await c.query(`SHOW CREATE TABLE \`${t}\``)) as unknown as [[Record<string, string>]];
			const [keys] = (await c.query("SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION", [name, t])) as unknown as [Array<{ c: string }>];
			const [rows] = await c.query(`SELECT * FROM \`${t}\` ORDER BY ${keys.map((k) => `\`${k.c}\``).join(', ')}`);
			out.set(t, { ddl: create!['Create Table']!, rows: rows as unknown[] });
		}
	} finally {
		await c.end();
	}
	return out;
}

function expectSame(actual: Tables, expected: Tables): void {
	expect([...actual.keys()]).toEqual([...expected.keys()]);
	for (const [name, table] of expected) {
		const got = actual.get(name)!;
		expect(got.ddl, name).toBe(table.ddl);
		expect(got.rows.length, name).toBe(table.rows.length);
		expect(got.rows, name).toEqual(table.rows);
	}
}

async function databaseExists(url: string): Promise<boolean> {
	const c = await mysql.createConnection({ uri: MARIADB_TEST_URL });
	const [rows] = (await c.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [new URL(url).pathname.slice(1)])) as unknown as [unknown[]];
	await c.end();
	return rows.length > 0;
}

async function scratchDatabases(): Promise<string[]> {
	const c = await mysql.createConnection({ uri: MARIADB_TEST_URL });
	const [rows] = (await c.query("SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME REGEXP '_(restore|old)_[a-z0-9]{8}$'")) as unknown as [Array<{ n: string }>];
	await c.end();
	return rows.map((r) => r.n).filter((n) => made.mysql.some((m) => n.startsWith(m.slice(0, 40))));
}

afterAll(async () => {
	for (const dir of made.dirs) rmSync(dir, { recursive: true, force: true });
	if (made.mysql.length && (await mariadbAvailable())) {
		const c = await mysql.createConnection({ uri: MARIADB_TEST_URL });
		for (const name of made.mysql) await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
		await c.end();
	}
});

describe.each(ENGINES)('backup and restore on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	const source = place(engine);
	let original: Tables;
	let backup: BackupSummary;
	let dir: string;

	beforeAll(async () => {
		if (skip) return;
		await createMysqlDatabase(source);
		const db = await openDatabase(source, migrationsDir);
		try {
			await fill(db);
		} finally {
			await db.close();
		}
		original = await snapshot(source);
		dir = mkdtempSync(join(tmpdir(), 'spms-backup-files-'));
		made.dirs.push(dir);
		backup = await backupDatabase(source, join(dir, engine === 'sqlite' ? 'b.sqlite' : 'b.mysql.jsonl.gz'), T0);
	}, 180_000);

	test.skipIf(skip)("the filled database is realistic: the tables a lot's life fills have rows", () => {
		for (const table of FILLED) expect(original.get(table)?.rows.length, table).toBeGreaterThan(0);
		expect(original.get('parking_sessions')!.rows.length).toBeGreaterThan(200);
		expect(original.get('payments')!.rows.length).toBeGreaterThan(100);
		expect(original.get('anomalies')!.rows.length).toBeGreaterThan(50);
		expect(original.get('__drizzle_migrations')!.rows.length).toBeGreaterThan(5);
		// one self-contained file, and no partial one beside it
		expect(readdirSync(dir)).toEqual([basename(backup.file)]);
		expect(backup.rows.parking_sessions).toBe(original.get('parking_sessions')!.rows.length);
		expect(backup.migrations.length).toBe(original.get('__drizzle_migrations')!.rows.length);
	});

	test.skipIf(skip)('restored into an empty database, every table is the same, row for row, with its definition', async () => {
		const target = place(engine);
		const result = await restoreDatabase(target, migrationsDir, backup.file);
		expect(result.replaced).toBe(false);
		expectSame(await snapshot(target), original);
		// and the app opens it as it is (no migration left to run)
		const db = await openDatabase(target, migrationsDir);
		await db.close();
		expectSame(await snapshot(target), original);
	}, 120_000);

	test.skipIf(skip)('a database with data is refused without force, replaced with it; the schema-only database of a first start counts as empty', async () => {
		const target = place(engine);
		await createMysqlDatabase(target);
		await (await openDatabase(target, migrationsDir)).close(); // migrated, no rows
		await restoreDatabase(target, migrationsDir, backup.file);
		const db = await openDatabase(target, migrationsDir);
		await registerUser(db, { email: 'later@example.com', password: 'a-long-password-3' }, T0 + DAY);
		await db.close();
		const changed = await snapshot(target);
		await expect(restoreDatabase(target, migrationsDir, backup.file)).rejects.toThrow(/holds data.*--force/);
		expectSame(await snapshot(target), changed);
		const result = await restoreDatabase(target, migrationsDir, backup.file, { force: true });
		expect(result.replaced).toBe(true);
		expectSame(await snapshot(target), original);
		if (engine === 'mysql') expect(await scratchDatabases()).toEqual([]);
	}, 120_000);

	test.skipIf(skip)('a cut-off or damaged backup fails and leaves the target as it was, the empty one empty', async () => {
		const cut = join(dir, `cut-${engine}`);
		copyFileSync(backup.file, cut);
		truncateSync(cut, Math.floor(statSync(cut).size * 0.6));
		const empty = place(engine);
		await expect(restoreDatabase(empty, migrationsDir, cut)).rejects.toThrow();
		if (empty.engine === 'sqlite') expect(() => statSync(empty.file)).toThrow();
		else expect(await databaseExists(empty.url)).toBe(false);

		const full = place(engine);
		await restoreDatabase(full, migrationsDir, backup.file);
		await expect(restoreDatabase(full, migrationsDir, cut, { force: true })).rejects.toThrow();
		expectSame(await snapshot(full), original);
		// a failure in the middle of loading (the server going away, a full disk) leaves it too
		let calls = 0;
		await expect(
			restoreDatabase(full, migrationsDir, backup.file, {
				force: true,
				beforeLoad: () => {
					if (++calls === (engine === 'sqlite' ? 1 : 3)) throw new Error('disk full');
				}
			})
		).rejects.toThrow(/disk full/);
		expectSame(await snapshot(full), original);
		if (engine === 'mysql') expect(await scratchDatabases()).toEqual([]);
	}, 120_000);

	test.skipIf(skip)('a backup from a newer SPMS (a migration this code lacks) is refused', async () => {
		const newer = join(dir, `newer-${engine}`);
		if (engine === 'sqlite') {
			copyFileSync(backup.file, newer);
			const db = new Sqlite(newer);
			db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), 4_102_444_800_000);
			db.close();
		} else {
			const lines = gunzipSync(readFileSync(backup.file)).toString('utf8').split('\n');
			const header = JSON.parse(lines[0]!);
			header.migrations.push({ hash: 'f'.repeat(64), createdAt: 4_102_444_800_000 });
			lines[0] = JSON.stringify(header);
			writeFileSync(newer, gzipSync(lines.join('\n')));
		}
		const error = await restoreDatabase(place(engine), migrationsDir, newer).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(BackupError);
		expect((error as Error).message).toMatch(/restore it with the newer SPMS/);
	});

	test.skipIf(skip)('a backup is restored into its own engine only', async () => {
		const other: DatabaseConfig = engine === 'sqlite' ? { engine: 'mysql', url: 'mysql://root@127.0.0.1:1/none' } : { engine: 'sqlite', file: join(dir, 'never.sqlite') };
		await expect(restoreDatabase(other, migrationsDir, backup.file)).rejects.toThrow(/restore it into the same engine/);
	});
});

describe('the MySQL dump is one snapshot', async () => {
	const skip = !(await mariadbAvailable());

	test.skipIf(skip)('rows written while the dump runs are in no table of it', async () => {
		const source = place('mysql') as Extract<DatabaseConfig, { engine: 'mysql' }>;
		await createMysqlDatabase(source);
		const db = await openDatabase(source, migrationsDir);
		await seedFixture(db, makeFixture(T0 - 5 * DAY, T0, 30, 3));
		const before = await snapshot(source);
		const dir = mkdtempSync(join(tmpdir(), 'spms-backup-snap-'));
		made.dirs.push(dir);
		let wrote = false;
		const summary = await backupMysql(source.url, join(dir, 'b.gz'), T0, {
			// after the first table is written, a transaction adds to that table and to a later one
			afterTable: async () => {
				if (wrote) return;
				wrote = true;
				await db.transaction(async (x) => {
					await x.q.insert(x.t.anomalies).values({ id: 'late', lotId: 'lot-blr', kind: 'long-stay', dedupKey: 'late', plate: null, sessionId: null, relatedSessionId: null, evidence: {}, occurrences: 1, lastSeenAt: T0, status: 'open', note: null, detectedAt: T0, reviewedBy: null, reviewedAt: null });
					await x.q.update(x.t.lots).set({ name: 'Renamed meanwhile' });
				});
			}
		});
		await db.close();
		expect(wrote).toBe(true);
		const target = place('mysql');
		await restoreDatabase(target, migrationsDir, summary.file);
		const restored = await snapshot(target);
		expect(restored.get('anomalies')!.rows).toEqual(before.get('anomalies')!.rows);
		expect(restored.get('lots')!.rows).toEqual(before.get('lots')!.rows);
		expect((await snapshot(source)).get('lots')!.rows).not.toEqual(before.get('lots')!.rows);
	}, 60_000);
});
