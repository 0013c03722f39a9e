import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import mysql from 'mysql2/promise';

/**
 * Browser and HTTP tests against the built app (`npm run build` first; `npm test` does it).
 * Three servers: one on SQLite and one on MariaDB for the HTTP suites, and a fresh one that
 * nobody touches before the first-admin setup test. Without MariaDB or Chromium the suites
 * that need them are left out with a warning; under CI=true that is an error instead.
 */
const CI = process.env.CI === 'true';
// lets context.route see (and, offline, abort) a service worker's own fetches: the PWA suites
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function mariadbUp(): Promise<boolean> {
	try {
		const c = await mysql.createConnection({ uri: process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306', connectTimeout: 2000 });
		await c.end();
		return true;
	} catch (error) {
		if (CI) throw new Error(`CI=true needs MariaDB for the MySQL suites: ${String(error)}`);
		console.warn('MariaDB is not reachable: the MySQL HTTP suite is left out.');
		return false;
	}
}

const haveMariadb = await mariadbUp();
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
	if (CI) throw new Error(`CI=true needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
	console.warn(`No Chromium at ${CHROMIUM}: the browser suites are left out.`);
}

// E2E_PORT_BASE moves the three servers (two runs on one machine must not share ports)
const BASE = Number(process.env.E2E_PORT_BASE ?? 4173);
export const PORTS = { sqlite: BASE, mysql: BASE + 1, fresh: BASE + 2 } as const;
const url = (port: number) => `http://127.0.0.1:${port}`;

const browser = {
	...devices['Desktop Chrome'],
	launchOptions: {
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
	}
};

export default defineConfig({
	testDir: 'tests/e2e',
	// Two cores: one test at a time keeps the servers responsive and the run predictable.
	workers: 1,
	retries: 0,
	reporter: CI ? [['list']] : [['list']],
	timeout: 60_000,
	outputDir: 'test-results',
	webServer: [
		{ command: `node scripts/e2e-server.js sqlite ${PORTS.sqlite}`, url: `${url(PORTS.sqlite)}/healthz`, timeout: 120_000 },
		{ command: `node scripts/e2e-server.js sqlite ${PORTS.fresh}`, url: `${url(PORTS.fresh)}/healthz`, timeout: 120_000 },
		...(haveMariadb ? [{ command: `node scripts/e2e-server.js mysql ${PORTS.mysql}`, url: `${url(PORTS.mysql)}/healthz`, timeout: 120_000 }] : [])
	],
	projects: [
		{ name: 'api-sqlite', testDir: 'tests/e2e/api', use: { baseURL: url(PORTS.sqlite) } },
		...(haveMariadb ? [{ name: 'api-mysql', testDir: 'tests/e2e/api', use: { baseURL: url(PORTS.mysql) } }] : []),
		// scale-out and faults: suites that start (and stop, and cut off) app instances of their own
		...(haveMariadb ? [{ name: 'ops', testDir: 'tests/e2e/ops', timeout: 180_000 }] : []),
		...(haveChromium
			? [
					{ name: 'pages', testDir: 'tests/e2e/pages', use: { ...browser, baseURL: url(PORTS.sqlite) } },
					{ name: 'first-admin', testDir: 'tests/e2e/first-admin', use: { ...browser, baseURL: url(PORTS.fresh) } },
					// the installable app: service worker, models in the browser, fake cameras
					{ name: 'pwa-setup', testDir: 'tests/e2e', testMatch: /pwa\.setup\.ts$/, timeout: 180_000 },
					{
						name: 'pwa',
						testDir: 'tests/e2e',
						testMatch: /pwa-.*\.spec\.ts$/,
						dependencies: ['pwa-setup'],
						timeout: 240_000,
						use: { ...browser, baseURL: url(PORTS.sqlite), serviceWorkers: 'allow' as const }
					}
				]
			: [])
	]
});
