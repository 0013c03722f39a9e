/**
 * Faults: an app instance whose MariaDB and S3 sit behind TCP proxies that take them away
 * (tests/support/tcp-proxy.ts), as a restart or a network failure would. The database away:
 * requests that need it fail at once with 503 and Retry-After (the JSON error shape for API
 * clients, a page saying so for people), open event streams stay open, and the instance recovers
 * by itself; a gate retrying a capture refused meanwhile gets one decision. S3 away: gates still
 * get their decisions, the photos wait in the instance's spool and are uploaded once S3 is back,
 * also after the instance was restarted. (Twilio away is the SMS outbox's: sender.spec.ts.)
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { S3ImageStore } from '../../../src/lib/server/storage/s3.ts';
import { accountOn, appInstance, readEvents, throwawayDatabase, type AppInstance, type ThrowawayDatabase } from '../../support/app-instance.ts';
import { postCapture } from '../../support/gate-client.ts';
import { startS3Server, type TestS3Server } from '../../support/s3-server.ts';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';
import { OPS_PORTS } from './ports.ts';

test.describe.configure({ mode: 'serial' });

const MARIADB = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306';
const PHOTO = readFileSync(join(import.meta.dirname, '../../fixtures/gates/known-plates/01.jpg'));
const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let db: ThrowawayDatabase;
let dbProxy: TcpProxy;
let s3: TestS3Server;
let s3Proxy: TcpProxy;
let s3Direct: S3ImageStore;
let app: AppInstance;
let admin: Record<string, string>;
let lotId = '';
let gate: { id: string; key: string };

test.beforeAll(async () => {
	test.setTimeout(180_000);
	db = await throwawayDatabase(MARIADB, `spms_faults_${OPS_PORTS.faults}_${process.pid}`);
	const server = new URL(MARIADB);
	dbProxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 3306) });
	const viaProxy = new URL(db.url);
	viaProxy.hostname = '127.0.0.1';
	viaProxy.port = String(dbProxy.port);
	s3 = await startS3Server('spms-faults');
	s3Direct = new S3ImageStore(s3.config);
	s3Proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(s3.url).port) });
	app = appInstance(OPS_PORTS.faults, {
		DATABASE_URL: viaProxy.toString(),
		AWS_S3_BUCKET: s3.config.bucket,
		AWS_REGION: s3.config.region,
		AWS_S3_ENDPOINT: `http://127.0.0.1:${s3Proxy.port}`,
		AWS_ACCESS_KEY_ID: s3.config.credentials!.accessKeyId,
		AWS_SECRET_ACCESS_KEY: s3.config.credentials!.secretAccessKey,
		OCR_CONFIDENCE_THRESHOLD: '0'
	});
	await app.start();
	admin = { authorization: `Bearer ${(await accountOn(app.url, db.url, 'admin')).token}`, 'content-type': 'application/json' };
	const lot = await fetch(`${app.url}/api/v1/lots`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Faults', country: 'in', capacity: { car: 100 } }) });
	expect(lot.status).toBe(201);
	lotId = (await lot.json()).id;
	const key = await (await fetch(`${app.url}/api/v1/device-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'faults gate' }) })).json();
	const made = await fetch(`${app.url}/api/v1/lots/${lotId}/gates`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Faults entry', direction: 'entry', deviceKeyId: key.id }) });
	gate = { id: (await made.json()).id, key: key.key };
	// the plate reader starts on the first capture (a busy machine may answer reader_busy meanwhile)
	expect((await postCapture(app.url, gate, 'warm-up', PHOTO, { deadlineMs: 120_000 })).answer).not.toBeNull();
});

test.afterAll(async () => {
	await app?.dispose();
	await dbProxy?.close();
	await s3Proxy?.close();
	await s3?.stop();
	await db?.drop();
});

test.afterEach(async ({}, testInfo) => {
	// the instance's own log beside the failure (test-results/…/instance.log)
	if (testInfo.status !== testInfo.expectedStatus) writeFileSync(testInfo.outputPath('instance.log'), app.output.join('\n'));
	await dbProxy.restore();
	await s3Proxy.restore();
});

/** One attempt, as a gate's first: what the server answers right now. */
const capture = (key: string) =>
	fetch(`${app.url}/api/v1/gates/${gate.id}/captures`, {
		method: 'POST',
		headers: { authorization: `Bearer ${gate.key}`, 'content-type': 'image/jpeg', 'idempotency-key': key, 'x-capture-time': String(Date.now()) },
		body: PHOTO
	});

/** Every file in the instance's spool: images waiting, and any being uploaded right now (claimed, renamed). */
const spooled = () =>
	(readdirSync(join(app.dataDir, 'spool'), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
		.filter((e) => e.isFile())
		.map((e) => join(e.parentPath, e.name).slice(join(app.dataDir, 'spool').length + 1));

async function sessionsInLot(): Promise<number> {
	return (await (await fetch(`${app.url}/api/v1/sessions?lotId=${lotId}&limit=1`, { headers: admin })).json()).total;
}

test('the database away: 503 with Retry-After at once (JSON for API clients, a page for people), streams stay open, and it recovers without a restart', async () => {
	const events: Array<{ event: string; data: { sessionId?: string } }> = [];
	const stop = new AbortController();
	await readEvents(`${app.url}/api/v1/events?lotId=${lotId}`, admin, stop.signal, (e) => events.push(e as (typeof events)[number]));

	await dbProxy.cut('refuse');
	const api = await fetch(`${app.url}/api/v1/lots`, { headers: admin });
	expect(api.status).toBe(503);
	expect(api.headers.get('retry-after')).toBe('1');
	expect(await api.json()).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
	const signIn = await fetch(`${app.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@example.com', password: 'whatever-123' }) });
	expect(signIn.status).toBe(503);
	expect((await signIn.json()).error.code).toBe('service_unavailable');
	const gateDown = await capture('during-outage');
	expect(gateDown.status).toBe(503);
	expect(gateDown.headers.get('retry-after')).toBe('1');

	// a person: signed in (the session can't be read), and anonymous on a page whose load needs the database
	for (const [path, headers] of [
		['/', { ...admin, accept: 'text/html' }],
		['/setup/abcdefghijklmnopqrstuvwxyz234567', { accept: 'text/html' }]
	] as const) {
		const page = await fetch(`${app.url}${path}`, { headers, redirect: 'manual' });
		expect(page.status, path).toBe(503);
		expect(page.headers.get('retry-after')).toBe('1');
		expect(page.headers.get('content-type')).toContain('text/html');
		const html = await page.text();
		expect(html).toContain('Briefly unavailable');
		expect(html).toContain('can’t reach its database');
	}

	// packets dropped instead of refused: the pool's connect timeout ends the wait, still a 503
	await dbProxy.cut('blackhole');
	expect((await fetch(`${app.url}/api/v1/lots`, { headers: admin })).status).toBe(503);

	await dbProxy.restore();
	const back = await fetch(`${app.url}/api/v1/lots`, { headers: admin });
	expect(back.status, await back.clone().text()).toBe(200);
	// the stream opened before the outage is still there and carries what happens now
	const s = await fetch(`${app.url}/api/v1/sessions`, { method: 'POST', headers: admin, body: JSON.stringify({ lotId, plate: 'KA05FA1001' }) });
	expect(s.status).toBe(201);
	const sessionId = (await s.json()).id;
	await expect.poll(() => events.some((e) => e.event === 'session.started' && e.data.sessionId === sessionId), { timeout: 15_000 }).toBe(true);
	stop.abort();
});

test('a capture refused during the outage, retried with its key afterwards: one decision, at most one session', async () => {
	const before = await sessionsInLot();
	await dbProxy.cut('refuse');
	const refused = await capture('retried-across-outage');
	expect(refused.status).toBe(503);
	expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
	await dbProxy.restore();
	// the gate keeps retrying as it does after any 503
	const answered = await postCapture(app.url, gate, 'retried-across-outage', PHOTO);
	expect(answered.answer, JSON.stringify(answered.attempts)).not.toBeNull();
	const again = await postCapture(app.url, gate, 'retried-across-outage', PHOTO);
	expect(again.attempts.at(-1)!.replayed).toBe(true);
	expect(again.body).toBe(answered.body);
	expect(await sessionsInLot()).toBe(before + (answered.answer!.decision === 'open' ? 1 : 0));
});

test('S3 away: the gate gets its decision, the photo waits in the spool and is uploaded once S3 is back', async () => {
	await s3Proxy.cut('refuse');
	const { answer, attempts } = await postCapture(app.url, gate, 's3-away-1', PHOTO);
	expect(answer, JSON.stringify(attempts)).not.toBeNull();
	// decided as ever (a 503 along the way is the reader's, never the store's)
	expect(['open', 'deny', 'hold']).toContain(answer!.decision);
	expect(attempts.filter((a) => a.code === 'storage_unavailable')).toEqual([]);
	const [key, ...more] = spooled();
	expect(more).toEqual([]);
	expect(key).toMatch(/^captures\/.+\.jpg$/);
	expect(await s3Direct.get(key!)).toBeNull();

	await s3Proxy.restore();
	// the uploader's next round (every 5 s) moves it
	await expect.poll(() => spooled().length, { timeout: 30_000 }).toBe(0);
	expect(digest((await s3Direct.get(key!))!.bytes)).toBe(digest(PHOTO));
	const view = await (await fetch(`${app.url}/api/v1/gates/${gate.id}/captures/${answer!.capture_id}`, { headers: admin })).json();
	expect(new URL(view.image_url).pathname).toBe(`/spms-faults/${key}`);
});

test('photos spooled when the instance stops are uploaded after it starts again', async () => {
	await s3Proxy.cut('refuse');
	for (const id of ['restart-1', 'restart-2']) expect((await postCapture(app.url, gate, id, PHOTO)).answer).not.toBeNull();
	const keys = spooled().sort();
	expect(keys.length).toBe(2);
	await app.stop();
	await s3Proxy.restore();
	await app.start();
	await expect.poll(() => spooled().length, { timeout: 30_000 }).toBe(0);
	for (const key of keys) expect(digest((await s3Direct.get(key))!.bytes)).toBe(digest(PHOTO));
});
