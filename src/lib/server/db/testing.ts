/**
 * Test support: a fresh, migrated database on each engine. The MariaDB one is a throwaway
 * database on the local server (MARIADB_TEST_URL, default root@127.0.0.1:3306), dropped after.
 * Without a reachable server the MariaDB suites skip, except under CI=true, where they fail.
 */
import { resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { newId } from '../../id.ts';
import { openDatabase, type Database, type Engine } from './database.ts';

export const MARIADB_TEST_URL = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306';
const migrationsDir = resolve(import.meta.dirname, '../../../../drizzle');

let mariadbReachable: Promise<boolean> | undefined;

/** Whether the local MariaDB answers; under CI=true a missing server is an error, not a skip. */
export function mariadbAvailable(): Promise<boolean> {
	mariadbReachable ??= mysql
		.createConnection({ uri: MARIADB_TEST_URL, connectTimeout: 2_000 })
		.then(async (c) => {
			await c.end();
			return true;
		})
		.catch((error: unknown) => {
			if (process.env.CI === 'true') throw new Error(`MariaDB is required under CI: ${String(error)}`);
			return false;
		});
	return mariadbReachable;
}

export interface TestDatabase {
	db: Database;
	/** The URL of the throwaway database (MySQL), for starting app processes against it. */
	url: string;
	drop(): Promise<void>;
}

/** A new empty, migrated database on `engine`. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
	if (engine === 'sqlite') {
		const db = await openDatabase({ engine: 'sqlite', file: ':memory:' }, migrationsDir);
		return { db, url: 'sqlite::memory:', drop: () => db.close() };
	}
	const name = `spms_test_${newId().slice(0, 12)}`;
	const admin = await mysql.createConnection({ uri: MARIADB_TEST_URL });
	await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
	await admin.end();
	const url = `${MARIADB_TEST_URL.replace(/\/$/, '')}/${name}`;
	const db = await openDatabase({ engine: 'mysql', url }, migrationsDir);
	return {
		db,
		url,
		async drop() {
			await db.close();
			const c = await mysql.createConnection({ uri: MARIADB_TEST_URL });
			await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
			await c.end();
		}
	};
}

/** The engines a service suite runs on: `describe.each(ENGINES)`. */
export const ENGINES: Engine[] = ['sqlite', 'mysql'];
