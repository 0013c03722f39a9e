/**
 * `npm run db:backup [-- --out FILE]`: backs up the configured database (DATA_DIR/spms.sqlite, or
 * DATABASE_URL) while the app keeps running. SQLite: a consistent copy through SQLite's online
 * backup API (an ordinary .sqlite file); MySQL/MariaDB: a consistent logical dump (gzipped JSON
 * lines; see src/lib/server/db/backup.mysql.ts). Either holds the migration state. Written to
 * DATA_DIR/backups/spms-<engine>-<UTC time>.<ext> unless --out says where; the path is printed
 * last, alone on its line, for scripts. Images are not in it: see docs/privacy.md (backups).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { backupDatabase, BackupError, defaultBackupPath } from '../src/lib/server/db/backup.ts';
import { config, ConfigError } from '../src/lib/server/config.ts';

const USAGE = 'Usage: npm run db:backup [-- --out FILE]';

try {
	const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const cfg = config();
	const now = Date.now();
	const file = values.out ? resolve(values.out) : defaultBackupPath(cfg.dataDir, cfg.database, now);
	const started = performance.now();
	const summary = await backupDatabase(cfg.database, file, now);
	const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
	const size = summary.bytes >= 2 ** 20 ? `${(summary.bytes / 2 ** 20).toFixed(1)} MB` : `${(summary.bytes / 1024).toFixed(1)} KB`;
	console.error(
		`Backed up ${summary.engine === 'sqlite' ? 'SQLite' : 'MySQL'}: ${total.toLocaleString('en')} rows in ${Object.keys(summary.rows).length} tables ` +
			`(sessions ${summary.rows.parking_sessions ?? 0}, payments ${summary.rows.payments ?? 0}), ${summary.migrations.length} migrations applied, ${size}, in ${((performance.now() - started) / 1000).toFixed(1)} s.`
	);
	console.log(summary.file);
} catch (error) {
	if (error instanceof BackupError || error instanceof ConfigError) {
		console.error(error.message);
		process.exit(1);
	}
	if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
		console.error(`${(error as Error).message}\n${USAGE}`);
		process.exit(2);
	}
	throw error;
}
