/**
 * SQLite backups: SQLite's online backup API copies the database page by page into a new file,
 * restarting when another connection writes meanwhile, so the copy is one consistent state
 * while the app keeps running. The copy is itself a database: restoring it is checking it and
 * putting it in the target's place with a rename (atomic on one filesystem).
 */
import { existsSync, openSync, fsyncSync, closeSync, renameSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { newId } from '../../id.ts';
import { BackupError, checkMigrations, knownMigrations, type BackupSummary, type MigrationState, type RestoreOptions, type RestoreSummary } from './backup.ts';

/** Tables that aren't the app's data (SQLite's own, drizzle's bookkeeping). */
const isDataTable = (name: string) => !name.startsWith('sqlite_') && name !== '__drizzle_migrations';

function tables(db: Sqlite.Database): string[] {
	return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
}

function rowCounts(db: Sqlite.Database): Record<string, number> {
	const rows: Record<string, number> = {};
	for (const t of tables(db)) rows[t] = (db.prepare(`SELECT COUNT(*) AS n FROM "${t.replaceAll('"', '""')}"`).get() as { n: number }).n;
	return rows;
}

function migrationState(db: Sqlite.Database): MigrationState[] {
	if (!tables(db).includes('__drizzle_migrations')) return [];
	return (db.prepare('SELECT hash, created_at AS createdAt FROM __drizzle_migrations ORDER BY id').all() as MigrationState[]).map((m) => ({ hash: m.hash, createdAt: Number(m.createdAt) }));
}

function syncDir(path: string): void {
	const fd = openSync(dirname(path), 'r');
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/** Backs `source` up into `file` with the online backup API. */
export async function backupSqlite(source: string, file: string): Promise<BackupSummary> {
	if (!existsSync(source)) throw new BackupError(`there is no database at ${source} (DATA_DIR or DATABASE_URL)`);
	mkdirSync(dirname(file), { recursive: true });
	const partial = `${file}.partial-${newId().slice(0, 8)}`;
	const db = new Sqlite(source, { fileMustExist: true });
	try {
		db.pragma('busy_timeout = 5000');
		await db.backup(partial);
	} catch (error) {
		rmSync(partial, { force: true });
		throw error;
	} finally {
		db.close();
	}
	let rows: Record<string, number>;
	let migrations: MigrationState[];
	const copy = new Sqlite(partial, { fileMustExist: true });
	try {
		// the copy keeps the source's WAL mode; a backup is better as one self-contained file
		copy.pragma('journal_mode = DELETE');
		rows = rowCounts(copy);
		migrations = migrationState(copy);
	} catch (error) {
		copy.close();
		rmSync(partial, { force: true });
		throw error;
	}
	copy.close();
	renameSync(partial, file);
	syncDir(file);
	return { file, engine: 'sqlite', rows, migrations, bytes: statSync(file).size };
}

/** Whether the database at `file` holds any of the app's rows. */
function holdsData(file: string): boolean {
	if (!existsSync(file) || statSync(file).size === 0) return false;
	const db = new Sqlite(file, { fileMustExist: true });
	try {
		return tables(db).filter(isDataTable).some((t) => db.prepare(`SELECT 1 FROM "${t.replaceAll('"', '""')}" LIMIT 1`).get() !== undefined);
	} finally {
		db.close();
	}
}

/**
 * Restores the backup `file` into the database file `target`.
 * @throws {BackupError} see {@link import('./backup.ts').restoreDatabase}
 */
export async function restoreSqlite(file: string, target: string, migrationsDir: string, options: RestoreOptions): Promise<RestoreSummary> {
	const backup = new Sqlite(file, { readonly: true, fileMustExist: true });
	let migrations: MigrationState[];
	try {
		migrations = migrationState(backup);
	} catch (error) {
		backup.close();
		throw new BackupError(`${file} is not a readable SQLite database: ${(error as Error).message}`);
	}
	try {
		checkMigrations(migrations, knownMigrations(migrationsDir, 'sqlite'));
	} catch (error) {
		backup.close();
		throw error;
	}
	const replaced = holdsData(target);
	if (replaced && !options.force) {
		backup.close();
		throw new BackupError(`${target} holds data: restore into an empty database, or pass --force to replace it`);
	}

	mkdirSync(dirname(target), { recursive: true });
	const temp = `${target}.restore-${newId().slice(0, 8)}`;
	const cleanTemp = () => {
		for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${temp}${suffix}`, { force: true });
	};
	let rows: Record<string, number>;
	try {
		// through the backup API rather than a file copy: it reads the backup as a database, and
		// the new file is complete when it returns
		await backup.backup(temp);
		backup.close();
		const check = new Sqlite(temp, { fileMustExist: true });
		try {
			const integrity = check.pragma('integrity_check', { simple: true });
			if (integrity !== 'ok') throw new BackupError(`${file} is damaged: ${String(integrity)}`);
			const orphans = check.pragma('foreign_key_check') as unknown[];
			if (orphans.length) throw new BackupError(`${file} has ${orphans.length} rows whose foreign keys point nowhere`);
			rows = rowCounts(check);
			check.pragma('journal_mode = DELETE'); // one file to move: no WAL beside it
		} finally {
			check.close();
		}
		await options.beforeLoad?.('*');
		if (existsSync(target)) {
			// fold the old database's WAL into it and remove it, so that no WAL of the old
			// database is left beside the new one (SQLite would replay it into the new file)
			const old = new Sqlite(target, { fileMustExist: true });
			try {
				old.pragma('wal_checkpoint(TRUNCATE)');
			} finally {
				old.close();
			}
			for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
		}
		renameSync(temp, target);
		syncDir(target);
	} catch (error) {
		if (backup.open) backup.close();
		cleanTemp();
		throw error;
	}
	return { engine: 'sqlite', rows, migrations, replaced };
}
