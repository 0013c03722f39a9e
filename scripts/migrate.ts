/**
 * `npm run db:migrate`: brings the configured database's schema up to date and exits — the
 * deployment's one-shot step before the app instances start (deploy/systemd/spms-migrate.service).
 * The app also migrates at start, under the same named lock, so an instance started without this
 * step is still safe; running it first keeps a long migration out of the instances' start-up.
 */
import { config, ConfigError } from '../src/lib/server/config.ts';
import { openDatabase, selectRows, sql } from '../src/lib/server/db/database.ts';

try {
	const cfg = config();
	const db = await openDatabase(cfg.database, cfg.migrationsDir);
	const [last] = await db.run((x) =>
		selectRows<{ n: number }>(x, sql`select count(*) as n from __drizzle_migrations`)
	);
	await db.close();
	const where = cfg.database.engine === 'sqlite' ? cfg.database.file : new URL(cfg.database.url).pathname.slice(1);
	console.log(`Schema up to date on ${cfg.database.engine} (${where}): ${Number(last?.n ?? 0)} migrations applied.`);
} catch (error) {
	if (error instanceof ConfigError) {
		console.error(error.message);
		process.exit(1);
	}
	console.error(`Migration failed: ${String((error as Error)?.message ?? error)}`);
	process.exit(1);
}
