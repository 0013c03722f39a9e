/**
 * One data-access handle over two engines: embedded SQLite (better-sqlite3, the default) and
 * MySQL / MariaDB (mysql2). Only repositories use it; they receive a drizzle query builder typed
 * as the SQLite flavour, bound to the engine's own tables (`db.t`), so one query serves both.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { migrate as migrateMysql } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import type { DatabaseConfig } from '../config.ts';
import * as mysqlSchema from './schema.mysql.ts';
import * as sqliteSchema from './schema.sqlite.ts';

export type Engine = 'sqlite' | 'mysql';
export type Tables = typeof sqliteSchema;
/** The query builder repositories write against (see the module comment). */
export type Query = BetterSQLite3Database<Tables>;

/** What a repository function works with: a query builder, its engine's tables, the engine. */
export interface Executor {
	readonly q: Query;
	readonly t: Tables;
	readonly engine: Engine;
}

export interface Database {
	readonly engine: Engine;
	/** The engine's own tables: always take tables from here, never import a schema module. */
	readonly t: Tables;
	/**
	 * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
	 * On MySQL a deadlock or lock-wait timeout retries the whole function (up to 3 times),
	 * so `fn` must only touch the database.
	 */
	transaction<T>(fn: (x: Executor) => Promise<T>): Promise<T>;
	/** Runs `fn` outside an explicit transaction (single statements, reads). */
	run<T>(fn: (x: Executor) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

/**
 * Opens the database and brings its schema up to date.
 * @param migrationsDir the folder holding `sqlite/` and `mysql/` drizzle-kit migrations.
 */
export async function openDatabase(cfg: DatabaseConfig, migrationsDir: string): Promise<Database> {
	return cfg.engine === 'sqlite'
		? openSqlite(cfg.file, join(migrationsDir, 'sqlite'))
		: openMysql(cfg.url, join(migrationsDir, 'mysql'));
}

function openSqlite(file: string, migrationsFolder: string): Database {
	if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
	const client = new Sqlite(file);
	client.pragma('journal_mode = WAL');
	client.pragma('synchronous = NORMAL');
	client.pragma('foreign_keys = ON');
	client.pragma('busy_timeout = 5000');
	const q = drizzleSqlite(client, { schema: sqliteSchema });
	migrateSqlite(q, { migrationsFolder });
	const x: Executor = { q, t: sqliteSchema, engine: 'sqlite' };

	// better-sqlite3 is one synchronous connection: two async flows interleaving their statements
	// would mix into each other's transactions. Every use takes this lock, in order.
	const lock = new Mutex();
	return {
		engine: 'sqlite',
		t: sqliteSchema,
		async transaction(fn) {
			return lock.run(async () => {
				client.exec('BEGIN IMMEDIATE');
				try {
					const result = await fn(x);
					client.exec('COMMIT');
					return result;
				} catch (error) {
					if (client.inTransaction) client.exec('ROLLBACK');
					throw error;
				}
			});
		},
		run: (fn) => lock.run(() => fn(x)),
		async close() {
			await lock.run(async () => client.close());
		}
	};
}

async function openMysql(url: string, migrationsFolder: string): Promise<Database> {
	const pool = mysql.createPool({
		uri: url,
		timezone: 'Z',
		connectionLimit: 20,
		// Fail fast rather than queue forever when the server is away (callers answer 503).
		connectTimeout: 5_000,
		waitForConnections: true,
		queueLimit: 500,
		// no stack captured per query (mysql2's default): ~2 ms of the event loop per gate capture in
		// bench:gates' CPU profile; drizzle's errors still name the failing statement
		trace: false
	});
	const q = drizzleMysql(pool, { schema: mysqlSchema, mode: 'default' });
	// Several app instances may start together: one migrates, the others wait on the named lock.
	const conn = await pool.getConnection();
	try {
		await conn.query("SELECT GET_LOCK('spms_migrate', 120)");
		await migrateMysql(drizzleMysql(conn), { migrationsFolder });
	} finally {
		await conn.query("SELECT RELEASE_LOCK('spms_migrate')").catch(() => {});
		conn.release();
	}
	const t = mysqlSchema as unknown as Tables;
	const executor = (handle: unknown): Executor => ({ q: handle as Query, t, engine: 'mysql' });
	const x = executor(q);
	return {
		engine: 'mysql',
		t,
		async transaction(fn) {
			for (let attempt = 1; ; attempt++) {
				try {
					return await q.transaction((tx) => fn(executor(tx)));
				} catch (error) {
					if (attempt >= 3 || !isRetryableMysqlError(error)) throw error;
				}
			}
		},
		run: (fn) => fn(x),
		async close() {
			await pool.end();
		}
	};
}

/** Runs a raw statement (one the query builder can't express) on either engine. */
export async function execute(x: Executor, statement: SQL): Promise<unknown> {
	if (x.engine === 'sqlite') return x.q.run(statement);
	return (x.q as unknown as MySql2Database).execute(statement);
}

/** Runs a raw query and returns its rows, on either engine. */
export async function selectRows<T>(x: Executor, statement: SQL): Promise<T[]> {
	if (x.engine === 'sqlite') return x.q.all<T>(statement);
	const [rows] = (await (x.q as unknown as MySql2Database).execute(statement)) as unknown as [T[]];
	return rows;
}

/** Rows changed by an insert, update or delete, from either engine's result shape. */
export function affectedRows(result: unknown): number {
	const header = (Array.isArray(result) ? result[0] : result) as { changes?: number; affectedRows?: number };
	return header.changes ?? header.affectedRows ?? 0;
}

function isRetryableMysqlError(error: unknown): boolean {
	const code = errorCode(error);
	// ER_CHECKREAD: with innodb_snapshot_isolation (on by default from MariaDB 11.6) a write to a row
	// changed since the transaction's snapshot fails, and trying again with a new snapshot is the fix
	return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'ER_CHECKREAD';
}

/** The driver's error code of a database error, looking through drizzle's wrapping. */
export function errorCode(error: unknown): string | undefined {
	for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string') return code;
	}
	return undefined;
}

/** True for a unique-key violation on either engine. */
export function isUniqueViolation(error: unknown): boolean {
	const code = errorCode(error);
	return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A FIFO async lock. */
class Mutex {
	#tail: Promise<unknown> = Promise.resolve();

	run<T>(fn: () => Promise<T>): Promise<T> {
		const result = this.#tail.then(fn);
		this.#tail = result.catch(() => {});
		return result;
	}
}

export { sql };
