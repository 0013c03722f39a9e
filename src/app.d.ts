import type { Device } from '$lib/server/auth/device-keys';
import type { SessionUser, ValidSession } from '$lib/server/auth/sessions';
import type { Config } from '$lib/server/config';
import type { Database } from '$lib/server/db/database';

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
			session: ValidSession | null;
			user: SessionUser | null;
			device: Device | null;
		}
	}
}

export {};
