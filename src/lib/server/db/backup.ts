/**
 * Backups of the database, for either engine, in the format that suits it:
 *
 * - **SQLite**: a copy made with SQLite's online backup API (`better-sqlite3`'s `db.backup()`):
 *   a plain, consistent `.sqlite` file (the app may keep writing meanwhile) that any SQLite can
 *   open. Its `__drizzle_migrations` table is the migration state.
 * - **MySQL / MariaDB**: a logical dump written by our own code (see `backup.mysql.ts`): gzipped
 *   JSON lines, one consistent snapshot, with the migration state in its header.
 *
 * A restore goes into an empty database only (an existing one with data needs `force`), and
 * either completes or leaves the target as it was: SQLite restores into a file beside the
 * target and renames it over; MySQL restores into a scratch database and moves the tables in
 * with one atomic `RENAME TABLE`. Stop the app before a restore: it keeps the old database open.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseConfig } from '../config.ts';

/** A backup file's kind, told from its first bytes. */
export type BackupKind = 'sqlite' | 'mysql';

/** One applied migration, as drizzle records it (`__drizzle_migrations`). */
export interface MigrationState {
	hash: string;
	/** the migration's journal time (`when`), which is what drizzle compares */
	createdAt: number;
}

export interface BackupSummary {
	file: string;
	engine: BackupKind;
	/** rows per table, `__drizzle_migrations` included */
	rows: Record<string, number>;
	migrations: MigrationState[];
	bytes: number;
}

export interface RestoreOptions {
	/** replace a target that holds data (its tables are dropped once the restore is in place) */
	force?: boolean;
	/** test hook: called before each table's rows are loaded (MySQL) or before the file is put in place (SQLite) */
	beforeLoad?: (table: string) => void | Promise<void>;
}

export interface RestoreSummary {
	engine: BackupKind;
	rows: Record<string, number>;
	migrations: MigrationState[];
	/** whether a target with data was replaced */
	replaced: boolean;
}

/** A backup or restore that cannot go ahead; the message says why and what to do. */
export class BackupError extends Error {
	override name = 'BackupError';
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/**
 * What kind of backup `file` is, from its first bytes.
 * @throws {BackupError} for a file that is neither
 */
export function backupKind(file: string): BackupKind {
	const head = Buffer.alloc(16);
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch (error) {
		throw new BackupError(`cannot read ${file}: ${(error as Error).message}`);
	}
	try {
		readSync(fd, head, 0, 16, 0);
	} finally {
		closeSync(fd);
	}
	if (head.equals(SQLITE_MAGIC)) return 'sqlite';
	if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'mysql';
	throw new BackupError(`${file} is not an SPMS backup (neither an SQLite file nor a gzipped MySQL dump)`);
}

/** The migrations this code ships for `engine`, oldest first. */
export function knownMigrations(migrationsDir: string, engine: BackupKind): Array<MigrationState & { sql: string[] }> {
	return readMigrationFiles({ migrationsFolder: join(migrationsDir, engine) }).map((m) => ({ hash: m.hash, createdAt: m.folderMillis, sql: m.sql }));
}

/**
 * Checks that a backup's migration state is this code's first N migrations, so the schema can be
 * rebuilt from them (the app applies the rest at its next start).
 * @returns N
 * @throws {BackupError} for a backup made by newer code, or by other migrations
 */
export function checkMigrations(backup: readonly MigrationState[], known: readonly MigrationState[]): number {
	if (backup.length === 0) throw new BackupError('the backup records no migrations: it was not made from an SPMS database');
	for (const [i, m] of backup.entries()) {
		const k = known[i];
		if (!k) throw new BackupError(`the backup has ${backup.length} migrations, this SPMS knows ${known.length}: restore it with the newer SPMS that made it`);
		if (k.hash !== m.hash || k.createdAt !== Number(m.createdAt)) {
			throw new BackupError(`the backup's migration ${i + 1} (${m.hash.slice(0, 12)}…) is not this SPMS's (${k.hash.slice(0, 12)}…): it comes from another version's migrations`);
		}
	}
	return backup.length;
}

/** A UTC stamp for file names: 20260102T030405Z. */
export function fileStamp(at: number): string {
	return new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Where `npm run db:backup` writes when not told: `DATA_DIR/backups/spms-<engine>-<stamp>.<ext>`. */
export function defaultBackupPath(dataDir: string, database: DatabaseConfig, at: number): string {
	const ext = database.engine === 'sqlite' ? 'sqlite' : 'mysql.jsonl.gz';
	return join(dataDir, 'backups', `spms-${database.engine}-${fileStamp(at)}.${ext}`);
}

/**
 * Backs the configured database up into `file` (written aside and renamed, so a failed backup
 * leaves no file that looks whole).
 */
export async function backupDatabase(database: DatabaseConfig, file: string, now = Date.now()): Promise<BackupSummary> {
	if (database.engine === 'sqlite') return (await import('./backup.sqlite.ts')).backupSqlite(database.file, file);
	return (await import('./backup.mysql.ts')).backupMysql(database.url, file, now);
}

/**
 * Restores `file` into the configured database.
 * @throws {BackupError} when the backup is for the other engine, from newer code, damaged, or the
 *   target holds data and `force` is not set; the target is then as it was
 */
export async function restoreDatabase(database: DatabaseConfig, migrationsDir: string, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
	const kind = backupKind(file);
	if (kind !== database.engine) {
		throw new BackupError(`${file} is a ${kind === 'sqlite' ? 'SQLite' : 'MySQL'} backup and the configured database is ${database.engine === 'sqlite' ? 'SQLite' : 'MySQL'}: restore it into the same engine`);
	}
	if (database.engine === 'sqlite') return (await import('./backup.sqlite.ts')).restoreSqlite(file, database.file, migrationsDir, options);
	return (await import('./backup.mysql.ts')).restoreMysql(file, database.url, migrationsDir, options);
}
