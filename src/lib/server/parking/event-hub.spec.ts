/**
 * The hub while the database comes and goes (MariaDB behind a TCP proxy that takes it away): a
 * stream opened just before an outage gets, once the database is back, every event written after
 * it opened — none lost in the outage's window, none twice.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../../tests/support/tcp-proxy.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { createTestDatabase, MARIADB_TEST_URL, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { EventHub, type LiveEvent } from './event-hub.ts';
import { appendEvent } from './events.repo.ts';

const migrations = resolve(import.meta.dirname, '../../../../drizzle');

describe('event hub across a database outage (MariaDB)', async () => {
	const skip = !(await mariadbAvailable());
	let tdb: TestDatabase;
	let proxy: TcpProxy;
	let viaProxy: Database;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase('mysql');
		const server = new URL(MARIADB_TEST_URL);
		proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 3306) });
		const url = new URL(tdb.url);
		url.hostname = '127.0.0.1';
		url.port = String(proxy.port);
		viaProxy = await openDatabase({ engine: 'mysql', url: url.toString() }, migrations);
	});
	afterAll(async () => {
		await viaProxy?.close();
		await proxy?.close();
		await tdb?.drop();
	});

	test.skipIf(skip)('a stream opened just before the outage misses nothing written after it opened', async () => {
		const write = (n: number) => tdb.db.run((x) => appendEvent(x, { lotId: 'lot-1', type: 'test.event', payload: { n }, at: n }));
		await write(0); // before the stream: not for it
		const hub = new EventHub(viaProxy, 20);
		const start = await hub.cursor();
		await proxy.cut('refuse');
		const seen: LiveEvent[] = [];
		const stop = hub.subscribe('lot-1', (e) => seen.push(e), start);
		await write(1);
		await new Promise((r) => setTimeout(r, 300)); // the hub's polls fail meanwhile
		await write(2);
		expect(seen).toEqual([]);
		await proxy.restore();
		await expect.poll(() => seen.map((e) => e.payload.n), { timeout: 10_000 }).toEqual([1, 2]);
		await write(3);
		await expect.poll(() => seen.map((e) => e.payload.n), { timeout: 10_000 }).toEqual([1, 2, 3]);
		stop();
	});
});
