/**
 * `npm run db:restore -- FILE [--force]`: restores a backup made by `npm run db:backup` into the
 * configured database (DATA_DIR/spms.sqlite, or DATABASE_URL; a MySQL database is made if
 * missing). Stop the app first. The target must be empty (a database the app only migrated counts
 * as empty) unless --force, which replaces what it holds. Either the whole backup is restored or
 * the target is left as it was: SQLite restores beside the file and renames it into place, MySQL
 * into a scratch database whose tables are moved in with one RENAME TABLE (the user needs CREATE
 * and DROP on databases named <db>_restore_… and <db>_old_…). Start the app afterwards: it applies
 * any migration newer than the backup.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { BackupError, restoreDatabase } from '../src/lib/server/db/backup.ts';
import { config, ConfigError } from '../src/lib/server/config.ts';

const USAGE = 'Usage: npm run db:restore -- FILE [--force]';

try {
	const { values, positionals } = parseArgs({ options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	if (positionals.length !== 1) {
		console.error(USAGE);
		process.exit(2);
	}
	const cfg = config();
	const file = resolve(positionals[0]!);
	const where = cfg.database.engine === 'sqlite' ? cfg.database.file : (() => { const u = new URL(cfg.database.url); return `${u.host}${u.pathname}`; })();
	const started = performance.now();
	const summary = await restoreDatabase(cfg.database, cfg.migrationsDir, file, { force: values.force });
	const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
	console.log(
		`Restored ${file} into ${where}${summary.replaced ? ' (replacing what it held)' : ''}: ${total.toLocaleString('en')} rows in ${Object.keys(summary.rows).length} tables, ` +
			`${summary.migrations.length} migrations, in ${((performance.now() - started) / 1000).toFixed(1)} s. Start the app to apply newer migrations, if any.`
	);
} catch (error) {
	if (error instanceof BackupError || error instanceof ConfigError) {
		console.error(error.message);
		process.exit(1);
	}
	if (String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
		console.error(`${(error as Error).message}\n${USAGE}`);
		process.exit(2);
	}
	throw error;
}
