/**
 * Readiness and the scrape, on both engines with real databases: what `/readyz` and `/metrics`
 * answer is read from the database and the disk as they are.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newId } from '../../id.ts';
import { openDatabase } from '../db/database.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, MARIADB_TEST_URL, type TestDatabase } from '../db/testing.ts';
import { gateWithKey } from '../gates/testing.ts';
import { createLot } from '../parking/lots.ts';
import { updateGate } from '../parking/lots.repo.ts';
import { insertOutbox, type OutboxRow } from '../sms/outbox.repo.ts';
import { LocalImageStore } from '../storage/local.ts';
import { startTcpProxy } from '../../../../tests/support/tcp-proxy.ts';
import { observeLprRead, observeRequest, scrape } from './index.ts';
import { readiness } from './readiness.ts';

const MIGRATIONS = resolve(import.meta.dirname, '../../../../drizzle');
const NOW = Date.UTC(2026, 10, 2, 4, 0);

/** The value of one sample line (`name{labels} value`) in an exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
	const line = text.split('\n').find((l) => l.startsWith(`${series} `));
	return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(ENGINES)('readiness and scrape on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let dataDir: string;
	let images: LocalImageStore;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		dataDir = mkdtempSync(join(tmpdir(), 'spms-readyz-'));
		images = new LocalImageStore(join(dataDir, 'images'));
	});
	afterAll(async () => {
		await tdb?.drop();
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	});

	test.skipIf(skip)('a migrated database and a writable images folder: ready', async () => {
		const r = await readiness({ db: tdb.db, images, config: { migrationsDir: MIGRATIONS, dataDir } });
		const shipped = JSON.parse(readFileSync(join(MIGRATIONS, engine, 'meta/_journal.json'), 'utf8')).entries.length;
		expect(r).toMatchObject({ ready: true, reasons: [], checks: { database: { ok: true }, migrations: { ok: true, applied: shipped, expected: shipped, pending: 0 }, storage: { ok: true, backend: 'local' } } });
	});

	test.skipIf(skip)('a build with a migration the database lacks: not ready, saying how many', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'spms-migrations-'));
		try {
			cpSync(MIGRATIONS, dir, { recursive: true });
			const file = join(dir, engine, 'meta/_journal.json');
			const journal = JSON.parse(readFileSync(file, 'utf8'));
			journal.entries.push({ idx: journal.entries.length, version: '6', when: Date.now() + 86_400_000, tag: '9999_future', breakpoints: true });
			writeFileSync(file, JSON.stringify(journal));
			const r = await readiness({ db: tdb.db, images, config: { migrationsDir: dir, dataDir } });
			expect(r.ready).toBe(false);
			expect(r.reasons).toEqual([`migrations: 1 of ${journal.entries.length} not applied`]);
			expect(r.checks.migrations).toMatchObject({ ok: false, pending: 1 });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test.skipIf(skip)('an images folder that cannot be written: not ready', async () => {
		const bad = mkdtempSync(join(tmpdir(), 'spms-readyz-bad-'));
		try {
			writeFileSync(join(bad, 'images'), 'a file where the folder should be');
			const r = await readiness({ db: tdb.db, images, config: { migrationsDir: MIGRATIONS, dataDir: bad } });
			expect(r.ready).toBe(false);
			expect(r.reasons).toEqual(['storage: local images folder not writable (ENOTDIR)']);
		} finally {
			rmSync(bad, { recursive: true, force: true });
		}
	});

	test.skipIf(skip)('the scrape reads the outbox depth and the gates heard from in the last minute', async () => {
		const lot = await createLot(tdb.db, { name: 'Forum Mall', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, NOW);
		const gates = await Promise.all([1, 2, 3].map(() => gateWithKey(tdb.db, lot.id, 'entry', NOW)));
		await tdb.db.run(async (x) => {
			await updateGate(x, gates[0]!.gate.id, { lastHeartbeatAt: NOW - 5_000 });
			await updateGate(x, gates[1]!.gate.id, { lastHeartbeatAt: NOW - 120_000 });
			const row = (status: OutboxRow['status']): OutboxRow => ({
				id: newId(), kind: 'payment_confirmation', lotId: lot.id, toPhone: '+919800000001', body: 'x', segments: 1, priority: 'urgent', dedupKey: newId(), ref: null,
				status, holdReason: null, attempts: 0, nextAttemptAt: NOW, claimedBy: null, claimUntil: null, ambiguousSince: null, twilioSid: null, twilioStatus: null,
				errorCode: null, lastError: null, createdAt: NOW, updatedAt: NOW, acceptedAt: null
			});
			for (const s of ['pending', 'pending', 'pending', 'sending', 'accepted', 'failed'] as const) await insertOutbox(x, row(s));
		});
		observeRequest('/api/v1/gates/[id]/captures', 'POST', 201, 0.12);
		observeRequest(null, 'GET', 404, 0.001);
		observeLprRead('ok', 0.3);
		const text = await scrape(tdb.db, NOW);
		expect(sample(text, 'spms_database_up')).toBe(1);
		expect(sample(text, 'spms_sms_outbox_messages{status="pending"}')).toBe(3);
		expect(sample(text, 'spms_sms_outbox_messages{status="sending"}')).toBe(1);
		expect(sample(text, 'spms_gates_online')).toBe(1);
		expect(sample(text, 'spms_gates')).toBe(3);
		expect(sample(text, 'spms_http_request_duration_seconds_count{route="/api/v1/gates/[id]/captures",method="POST",status="2xx"}')).toBeGreaterThanOrEqual(1);
		expect(sample(text, 'spms_http_request_duration_seconds_bucket{route="unmatched",method="GET",status="4xx",le="0.005"}')).toBeGreaterThanOrEqual(1);
		expect(sample(text, 'spms_lpr_read_duration_seconds_bucket{outcome="ok",le="0.3"}')).toBeGreaterThanOrEqual(1);
		expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
	});
});

describe('a database that stops answering', async () => {
	const skip = !(await mariadbAvailable());

	test('SQLite closed: not ready, and the scrape says the database is down and leaves its gauges out', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'spms-readyz-'));
		try {
			const db = await openDatabase({ engine: 'sqlite', file: ':memory:' }, MIGRATIONS);
			await db.close();
			const r = await readiness({ db, images: new LocalImageStore(join(dataDir, 'images')), config: { migrationsDir: MIGRATIONS, dataDir } });
			expect(r.ready).toBe(false);
			expect(r.reasons).toEqual(['database: unreachable (TypeError)', 'migrations: not checked (no database)']);
			const text = await scrape(db);
			expect(sample(text, 'spms_database_up')).toBe(0);
			expect(text).not.toMatch(/^spms_gates_online /m);
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});

	test.skipIf(skip)('MariaDB behind a network that drops packets: not ready within the probe timeout', async () => {
		const target = new URL(MARIADB_TEST_URL);
		const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 3306) });
		const tdb = await createTestDatabase('mysql');
		const url = new URL(tdb.url);
		url.port = String(proxy.port);
		const db = await openDatabase({ engine: 'mysql', url: url.toString() }, MIGRATIONS);
		const dataDir = mkdtempSync(join(tmpdir(), 'spms-readyz-'));
		const deps = { db, images: new LocalImageStore(join(dataDir, 'images')), config: { migrationsDir: MIGRATIONS, dataDir } };
		try {
			expect((await readiness(deps)).ready).toBe(true);
			await proxy.cut('blackhole');
			// the pooled connection was reset: that one fails at once; a new one is never answered
			const first = await readiness(deps, 300);
			expect(first.ready).toBe(false);
			expect(first.reasons[0]).toMatch(/^database: unreachable \((ECONNRESET|PROTOCOL_CONNECTION_LOST|TIMEOUT)\)$/);
			const r = await readiness(deps, 300);
			expect(r.ready).toBe(false);
			expect(r.reasons[0]).toBe('database: unreachable (TIMEOUT)');
			await proxy.restore();
		} finally {
			await db.close().catch(() => {});
			await proxy.close();
			await tdb.drop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
