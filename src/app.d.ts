import type { Device } from '$lib/server/auth/device-keys';
import type { SessionUser, ValidSession } from '$lib/server/auth/sessions';
import type { Config } from '$lib/server/config';
import type { Database } from '$lib/server/db/database';
import type { EventHub } from '$lib/server/parking/event-hub';
import type { ParkingSettings } from '$lib/server/parking/sessions';
import type { ImageStore } from '$lib/server/storage/storage';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
			requestId?: string;
		}
		interface Locals {
			requestId: string;
			db: Database;
			config: Config;
			events: EventHub;
			parking: ParkingSettings;
			images: ImageStore;
			session: ValidSession | null;
			user: SessionUser | null;
			device: Device | null;
		}
	}
}

export {};
