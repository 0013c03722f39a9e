/**
 * The running application: configuration and database, opened once per process by the server
 * `init` hook (and by scripts), shared by every request through `locals`.
 */
import { config, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';

export interface App {
	config: Config;
	db: Database;
}

let app: Promise<App> | undefined;

/** Opens (once) and returns the application. */
export function startApp(cfg: Config = config()): Promise<App> {
	app ??= openDatabase(cfg.database, cfg.migrationsDir).then((db) => ({ config: cfg, db }));
	return app;
}
