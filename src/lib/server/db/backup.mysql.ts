/**
 * MySQL / MariaDB backups: a logical dump written by our own code, not `mysqldump` /
 * `mariadb-dump`. Those tools are often missing where SPMS runs (an app host reaching Amazon
 * RDS, a container with Node only), and the client must match the server family (MySQL 8's
 * mysqldump fails against MariaDB on column statistics and vice versa). Doing it here also
 * lets the backup carry the migration state and the restore check it, and lets the restore be
 * all or nothing, which replaying a dump's SQL into the target is not (DDL commits as it goes).
 *
 * The dump is gzipped JSON lines: a header (format, engine, server version, the database's
 * collation, the migration state), then per table a line naming its columns followed by one
 * JSON array per row (in primary-key order), then a trailer with each table's row count, whose
 * absence marks a cut-off file. Every row is read inside one `START TRANSACTION WITH CONSISTENT
 * SNAPSHOT` (InnoDB, REPEATABLE READ), so the dump is one moment of the database while the app
 * keeps writing. Values: numbers (BIGINTs past 2^53 as strings), strings, JSON documents as
 * their text, NULL as null, binary as `{"$base64": …}`. The schema is not in the dump: a restore
 * rebuilds it from the same drizzle migrations the header names.
 */
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createConnection as createStreamingConnection } from 'mysql2';
import mysql from 'mysql2/promise';
import { newId } from '../../id.ts';
import { BackupError, checkMigrations, knownMigrations, type BackupSummary, type MigrationState, type RestoreOptions, type RestoreSummary } from './backup.ts';

export const DUMP_FORMAT = 'spms-backup';
export const DUMP_VERSION = 1;
const MIGRATIONS_TABLE = '__drizzle_migrations';
/** drizzle's own DDL for its bookkeeping table (drizzle-orm/mysql-core/dialect.js) */
const MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS \`${MIGRATIONS_TABLE}\` (id serial primary key, hash text not null, created_at bigint)`;

export interface DumpHeader {
	format: typeof DUMP_FORMAT;
	version: number;
	engine: 'mysql';
	createdAt: number;
	server: string;
	database: string;
	charset: string;
	collation: string;
	migrations: MigrationState[];
}

interface TableLine {
	table: string;
	columns: string[];
	/** the table's AUTO_INCREMENT counter, kept so ids (the events stream's seq) aren't reused */
	autoIncrement: number | null;
}

interface Trailer {
	end: true;
	rows: Record<string, number>;
}

export interface DumpOptions {
	/** test hook: called after each table's rows are written, inside the snapshot */
	afterTable?: (table: string) => void | Promise<void>;
}

const id = (name: string) => `\`${name.replaceAll('`', '``')}\``;

function databaseOf(url: string): { server: string; database: string } {
	const u = new URL(url);
	const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
	if (!database) throw new BackupError('DATABASE_URL names no database (mysql://user:pass@host:3306/<database>)');
	u.pathname = '/';
	return { server: u.toString(), database };
}

const OPTIONS = { supportBigNumbers: true, jsonStrings: true, dateStrings: true, timezone: 'Z', connectTimeout: 10_000 } as const;
const connect = (uri: string) => mysql.createConnection({ uri, ...OPTIONS });

const encode = (v: unknown) => (Buffer.isBuffer(v) ? { $base64: v.toString('base64') } : v);
const decode = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { $base64?: unknown }).$base64 === 'string' ? Buffer.from((v as { $base64: string }).$base64, 'base64') : v);

interface TableInfo {
	name: string;
	columns: string[];
	primaryKey: string[];
}

async function tableInfo(conn: mysql.Connection, database: string): Promise<TableInfo[]> {
	const [tables] = (await conn.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [database])) as unknown as [Array<{ name: string }>];
	const [columns] = (await conn.query('SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION', [database])) as unknown as [Array<{ t: string; c: string }>];
	const [keys] = (await conn.query("SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION", [database])) as unknown as [Array<{ t: string; c: string }>];
	return tables.map(({ name }) => ({ name, columns: columns.filter((c) => c.t === name).map((c) => c.c), primaryKey: keys.filter((k) => k.t === name).map((k) => k.c) }));
}

/**
 * Dumps the database at `url` into `file` (gzipped JSON lines, see the module comment).
 * @throws {BackupError} for a database that isn't SPMS's
 */
export async function backupMysql(url: string, file: string, now: number, options: DumpOptions = {}): Promise<BackupSummary> {
	const { database } = databaseOf(url);
	// the callback API's connection streams rows; its promise wrapper runs the rest
	const core = createStreamingConnection({ uri: url, ...OPTIONS });
	const conn = core.promise();
	mkdirSync(dirname(file), { recursive: true });
	const partial = `${file}.partial-${newId().slice(0, 8)}`;
	const rows: Record<string, number> = {};
	let migrations: MigrationState[] = [];
	try {
		await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
		await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
		const tables = await tableInfo(conn, database);
		if (!tables.some((t) => t.name === MIGRATIONS_TABLE)) throw new BackupError(`${database} has no ${MIGRATIONS_TABLE} table: it is not an SPMS database (or the app never started on it)`);
		const [[version]] = (await conn.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
		const [[schema]] = (await conn.query('SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database])) as unknown as [[{ charset: string; collation: string }]];
		const [applied] = (await conn.query(`SELECT hash, created_at AS createdAt FROM ${id(MIGRATIONS_TABLE)} ORDER BY id`)) as unknown as [MigrationState[]];
		migrations = applied.map((m) => ({ hash: m.hash, createdAt: Number(m.createdAt) }));
		const header: DumpHeader = { format: DUMP_FORMAT, version: DUMP_VERSION, engine: 'mysql', createdAt: now, server: version.v, database, charset: schema.charset, collation: schema.collation, migrations };

		async function* lines(): AsyncGenerator<string> {
			yield `${JSON.stringify(header)}\n`;
			for (const t of tables) {
				const [[create]] = (await conn.query(`SHOW CREATE TABLE ${id(t.name)}`)) as unknown as [[Record<string, string>]];
				const counter = /\bAUTO_INCREMENT=(\d+)/.exec(create!['Create Table'] ?? '');
				const line: TableLine = { table: t.name, columns: t.columns, autoIncrement: counter ? Number(counter[1]) : null };
				yield `${JSON.stringify(line)}\n`;
				const order = t.primaryKey.length ? ` ORDER BY ${t.primaryKey.map(id).join(', ')}` : '';
				const stream = core.query({ sql: `SELECT ${t.columns.map(id).join(', ')} FROM ${id(t.name)}${order}`, rowsAsArray: true }).stream({ highWaterMark: 256 });
				let n = 0;
				let chunk = '';
				for await (const row of stream as AsyncIterable<unknown[]>) {
					chunk += `${JSON.stringify(row.map(encode))}\n`;
					n++;
					if (chunk.length > 64 * 1024) {
						yield chunk;
						chunk = '';
					}
				}
				if (chunk) yield chunk;
				rows[t.name] = n;
				await options.afterTable?.(t.name);
			}
			const trailer: Trailer = { end: true, rows };
			yield `${JSON.stringify(trailer)}\n`;
		}
		await pipeline(lines, createGzip({ level: 6 }), createWriteStream(partial));
		await conn.query('COMMIT');
		renameSync(partial, file);
	} catch (error) {
		rmSync(partial, { force: true });
		throw error;
	} finally {
		await conn.end().catch(() => {});
	}
	return { file, engine: 'mysql', rows, migrations, bytes: statSync(file).size };
}

/** Reads a dump line by line. */
async function* readDump(file: string): AsyncGenerator<unknown> {
	const input = createReadStream(file).pipe(createGunzip());
	const rl = createInterface({ input, crlfDelay: Infinity });
	let n = 0;
	try {
		for await (const line of rl) {
			n++;
			if (line === '') continue;
			try {
				yield JSON.parse(line);
			} catch {
				throw new BackupError(`${file}: line ${n} is not JSON: the backup is damaged`);
			}
		}
	} catch (error) {
		if (error instanceof BackupError) throw error;
		throw new BackupError(`${file} cannot be read to its end (${(error as Error).message}): the backup is damaged or cut off`);
	} finally {
		rl.close();
		input.destroy();
	}
}

/** Whether any table of `database` other than drizzle's own holds a row. */
async function holdsData(conn: mysql.Connection, database: string, tables: string[]): Promise<boolean> {
	for (const t of tables) {
		if (t === MIGRATIONS_TABLE) continue;
		const [found] = (await conn.query(`SELECT 1 FROM ${id(database)}.${id(t)} LIMIT 1`)) as unknown as [unknown[]];
		if (found.length) return true;
	}
	return false;
}

/** Loaded rows are sent in multi-row INSERTs of about this many bytes (well under max_allowed_packet). */
const BATCH_BYTES = 1 << 20;
const BATCH_ROWS = 1000;

/**
 * Restores a dump into the database of `url` (made if missing): the schema from the migrations
 * the dump names, into a scratch database beside the target, the rows, a check of every table's
 * count; then one `RENAME TABLE` moves the target's old tables out and the new ones in, atomically.
 * The user needs CREATE and DROP on databases named `<target>_restore_…` and `<target>_old_…`.
 * @throws {BackupError} see {@link import('./backup.ts').restoreDatabase}
 */
export async function restoreMysql(file: string, url: string, migrationsDir: string, options: RestoreOptions): Promise<RestoreSummary> {
	const { server, database } = databaseOf(url);
	const dump = readDump(file);
	const first = (await dump.next()).value as DumpHeader | undefined;
	if (!first || first.format !== DUMP_FORMAT || first.engine !== 'mysql') throw new BackupError(`${file} is not an SPMS MySQL backup`);
	if (first.version > DUMP_VERSION) throw new BackupError(`${file} is a version ${first.version} backup; this SPMS reads version ${DUMP_VERSION}: restore it with the newer SPMS that made it`);
	if (!/^\w+$/.test(first.charset) || !/^\w+$/.test(first.collation)) throw new BackupError(`${file}: an unexpected character set in its header: the backup is damaged`);
	const known = knownMigrations(migrationsDir, 'mysql');
	const applied = checkMigrations(first.migrations, known);

	const conn = await connect(server);
	const suffix = newId().slice(0, 8).toLowerCase().replace(/[^a-z0-9]/g, '0');
	const scratch = `${database.slice(0, 40)}_restore_${suffix}`;
	const trash = `${database.slice(0, 40)}_old_${suffix}`;
	let createdTarget = false;
	try {
		const [[exists]] = (await conn.query('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database])) as unknown as [[{ n: number }]];
		const oldTables = exists!.n ? (await tableInfo(conn, database)).map((t) => t.name) : [];
		const replaced = await holdsData(conn, database, oldTables);
		if (replaced && !options.force) throw new BackupError(`${database} holds data: restore into an empty database, or pass --force to replace it`);

		await conn.query(`CREATE DATABASE ${id(scratch)} CHARACTER SET ${first.charset} COLLATE ${first.collation}`);
		await conn.query(`USE ${id(scratch)}`);
		// mysql2 escapes strings with backslashes; the dump's rows must not be checked against their parents one by one
		await conn.query("SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', ''), SESSION foreign_key_checks = 0");
		for (const migration of known.slice(0, applied)) {
			for (const statement of migration.sql) if (statement.trim()) await conn.query(statement);
		}
		await conn.query(MIGRATIONS_DDL);
		const schema = new Map((await tableInfo(conn, scratch)).map((t) => [t.name, t]));

		const loaded: Record<string, number> = {};
		let current: TableLine | undefined;
		let batch: unknown[][] = [];
		let bytes = 0;
		const flush = async () => {
			if (!batch.length || !current) return;
			await conn.query(`INSERT INTO ${id(current.table)} (${current.columns.map(id).join(', ')}) VALUES ?`, [batch]);
			loaded[current.table] = (loaded[current.table] ?? 0) + batch.length;
			batch = [];
			bytes = 0;
		};
		const finishTable = async () => {
			await flush();
			if (current?.autoIncrement) await conn.query(`ALTER TABLE ${id(current.table)} AUTO_INCREMENT = ${Number(current.autoIncrement)}`);
		};
		let trailer: Trailer | undefined;
		for await (const item of dump) {
			if (Array.isArray(item)) {
				if (!current) throw new BackupError(`${file}: rows before any table: the backup is damaged`);
				if (item.length !== current.columns.length) throw new BackupError(`${file}: a row of ${current.table} has ${item.length} values for ${current.columns.length} columns`);
				batch.push(item.map(decode));
				bytes += JSON.stringify(item).length;
				if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
				continue;
			}
			const line = item as Partial<TableLine & Trailer>;
			await finishTable();
			if (line.end) {
				trailer = line as Trailer;
				break;
			}
			if (typeof line.table !== 'string' || !Array.isArray(line.columns)) throw new BackupError(`${file}: an unexpected line: the backup is damaged`);
			if (!schema.has(line.table)) throw new BackupError(`${file} holds a table ${line.table} that its migrations don't make`);
			current = line as TableLine;
			loaded[current.table] = 0;
			await options.beforeLoad?.(current.table);
		}
		if (!trailer) throw new BackupError(`${file} ends before its last line: the backup is cut off`);
		for (const [table, n] of Object.entries(trailer.rows)) {
			const [[count]] = (await conn.query(`SELECT COUNT(*) AS n FROM ${id(table)}`)) as unknown as [[{ n: number }]];
			if (loaded[table] !== n || Number(count!.n) !== n) throw new BackupError(`${file}: ${table} should have ${n} rows, ${Number(count!.n)} were restored`);
		}
		await conn.query('SET SESSION foreign_key_checks = 1');

		// the swap: one statement, so the target has either its old tables or all the new ones
		if (!exists!.n) {
			await conn.query(`CREATE DATABASE ${id(database)} CHARACTER SET ${first.charset} COLLATE ${first.collation}`);
			createdTarget = true;
		}
		const moves: string[] = [];
		if (oldTables.length) {
			await conn.query(`CREATE DATABASE ${id(trash)}`);
			for (const t of oldTables) moves.push(`${id(database)}.${id(t)} TO ${id(trash)}.${id(t)}`);
		}
		for (const t of schema.keys()) moves.push(`${id(scratch)}.${id(t)} TO ${id(database)}.${id(t)}`);
		await conn.query(`RENAME TABLE ${moves.join(', ')}`);
		createdTarget = false;
		return { engine: 'mysql', rows: loaded, migrations: first.migrations, replaced };
	} catch (error) {
		if (createdTarget) await conn.query(`DROP DATABASE IF EXISTS ${id(database)}`).catch(() => {});
		throw error;
	} finally {
		await dump.return(undefined);
		await conn.query(`DROP DATABASE IF EXISTS ${id(scratch)}`).catch(() => {});
		await conn.query(`DROP DATABASE IF EXISTS ${id(trash)}`).catch(() => {});
		await conn.end().catch(() => {});
	}
}

