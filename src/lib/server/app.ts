/**
 * The running application: configuration and database, opened once per process by the server
 * `init` hook (and by scripts), shared by every request through `locals`.
 */
import { config, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { EventHub } from './parking/event-hub.ts';
import type { ParkingSettings } from './parking/sessions.ts';
import { createImageStore } from './storage/index.ts';
import type { ImageStore } from './storage/storage.ts';

export interface App {
	config: Config;
	db: Database;
	events: EventHub;
	parking: ParkingSettings;
	images: ImageStore;
}

let app: Promise<App> | undefined;

/** Opens (once) and returns the application. Scripts use it too; only the server starts jobs. */
export function startApp(cfg: Config = config()): Promise<App> {
	app ??= openDatabase(cfg.database, cfg.migrationsDir).then((db) => ({
		config: cfg,
		db,
		events: new EventHub(db),
		parking: parkingSettings(cfg),
		images: createImageStore(cfg)
	}));
	return app;
}

export function parkingSettings(cfg: Config): ParkingSettings {
	return {
		baseRatePerHourPaise: cfg.baseRatePerHourPaise,
		gracePeriodMinutes: cfg.gracePeriodMinutes,
		ocrConfidenceThreshold: cfg.ocrConfidenceThreshold
	};
}
