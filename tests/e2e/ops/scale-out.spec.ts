/**
 * Scale-out: two app instances (two processes of the built app, `scripts/start.js`, each with its
 * own data folder) on one MariaDB database, one S3-compatible server and one Twilio mock, as
 * behind a load balancer. What one instance does, the other sees: a session started on A is ended
 * on B; failed sign-ins on A count on B; an event raised on A reaches B's stream, and a stream
 * that reconnects to A resumes where it left B; a photo a gate posted to A is served through B;
 * and though both run the periodic jobs and the SMS sender, each job runs once a round and each
 * message is sent once.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import mysql from 'mysql2/promise';
import { accountOn, appInstance, readEvents, throwawayDatabase, type AppInstance, type ThrowawayDatabase } from '../../support/app-instance.ts';
import { postCapture } from '../../support/gate-client.ts';
import { startS3Server, type TestS3Server } from '../../support/s3-server.ts';
import { startTwilioMock, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, type TwilioMock } from '../../support/twilio/mock.ts';
import { OPS_PORTS } from './ports.ts';

test.describe.configure({ mode: 'serial' });

const MARIADB = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306';
const PHOTO = readFileSync(join(import.meta.dirname, '../../fixtures/gates/known-plates/00.jpg'));

let db: ThrowawayDatabase;
let s3: TestS3Server;
let twilio: TwilioMock;
let a: AppInstance;
let b: AppInstance;
let adminA: Record<string, string>;
let adminB: Record<string, string>;
let lotId = '';
/** when both instances were up */
let started = 0;

const json = { 'content-type': 'application/json' };
async function call(instance: AppInstance, auth: Record<string, string>, method: string, path: string, body?: unknown) {
	const res = await fetch(`${instance.url}${path}`, { method, headers: { ...auth, ...json }, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, text };
}

test.beforeAll(async () => {
	test.setTimeout(240_000);
	db = await throwawayDatabase(MARIADB, `spms_scale_${OPS_PORTS.scaleA}_${process.pid}`);
	s3 = await startS3Server('spms-scale');
	twilio = await startTwilioMock();
	const env = {
		DATABASE_URL: db.url,
		AWS_S3_BUCKET: s3.config.bucket,
		AWS_REGION: s3.config.region,
		AWS_S3_ENDPOINT: s3.url,
		AWS_ACCESS_KEY_ID: s3.config.credentials!.accessKeyId,
		AWS_SECRET_ACCESS_KEY: s3.config.credentials!.secretAccessKey,
		TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
		TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
		TWILIO_FROM_NUMBER: TEST_FROM,
		TWILIO_API_BASE_URL: twilio.url,
		SMS_QUIET_HOURS: 'off',
		// any plate read opens: the flows, not the reader, are under test here
		OCR_CONFIDENCE_THRESHOLD: '0'
	};
	a = appInstance(OPS_PORTS.scaleA, env);
	b = appInstance(OPS_PORTS.scaleB, env);
	// both at once: the migrations run under a named lock, one instance migrates, the other waits
	await Promise.all([a.start(), b.start()]);
	started = Date.now();
	const admin = await accountOn(a.url, db.url, 'admin');
	adminA = { authorization: `Bearer ${admin.token}` };
	// the token A issued is good on B: sessions live in the database
	adminB = adminA;
	const lot = await call(a, adminA, 'POST', '/api/v1/lots', { name: 'Two instances', country: 'in', capacity: { car: 500 } });
	expect(lot.status, lot.text).toBe(201);
	lotId = lot.body.id;
});

test.afterAll(async () => {
	await Promise.all([a?.dispose(), b?.dispose()]);
	await twilio?.close();
	await s3?.stop();
	await db?.drop();
});

test('every periodic job runs once a round, though both instances tick', async () => {
	test.setTimeout(120_000);
	const c = await mysql.createConnection({ uri: db.url });
	try {
		const leases = async () => (await c.query('SELECT name, runs FROM job_leases ORDER BY name'))[0] as Array<{ name: string; runs: number }>;
		// each instance ticks a moment after start and then every 15 s: after 17 s both have ticked
		// at least twice, every job was due at the first of those, and none (the shortest interval
		// is a minute) due again yet. This test runs first for that reason.
		await new Promise((r) => setTimeout(r, Math.max(0, started + 17_000 - Date.now())));
		await expect.poll(async () => (await leases()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
		const first = await leases();
		expect(first.map((l) => [l.name, l.runs]), 'every job ran exactly once in the first round').toEqual(first.map((l) => [l.name, 1]));

		// a round later (as if their intervals had passed): due again, for both instances
		await c.query('UPDATE job_leases SET last_run_at = 0');
		await expect.poll(async () => (await leases()).every((l) => l.runs >= 2), { timeout: 20_000 }).toBe(true);
		await new Promise((r) => setTimeout(r, 16_000)); // both instances have ticked since
		expect((await leases()).map((l) => [l.name, l.runs])).toEqual(first.map((l) => [l.name, 2]));
	} finally {
		await c.end();
	}
});

test('a session started through A is ended through B, and A sees it ended', async () => {
	const startedOnA = await call(a, adminA, 'POST', '/api/v1/sessions', { lotId, plate: 'KA01SC1001', at: Date.now() - 61 * 60_000 });
	expect(startedOnA.status, startedOnA.text).toBe(201);
	const endedOnB = await call(b, adminB, 'POST', `/api/v1/sessions/${startedOnA.body.id}/end`, {});
	expect(endedOnB.status, endedOnB.text).toBe(200);
	expect(endedOnB.body).toMatchObject({ id: startedOnA.body.id, status: 'completed' });
	const seenOnA = await call(a, adminA, 'GET', `/api/v1/sessions/${startedOnA.body.id}`);
	expect(seenOnA.body).toMatchObject({ status: 'completed', feePaise: endedOnB.body.feePaise });
	// and a second end, on either, is refused: there is one session, not one per instance
	expect((await call(a, adminA, 'POST', `/api/v1/sessions/${startedOnA.body.id}/end`, {})).status).toBe(409);
});

test('sign-in throttling holds across instances: failures on A and on B add up, and then both refuse even the right password', async () => {
	const user = await accountOn(a.url, db.url, 'operator', 'throttled');
	const attempt = (instance: AppInstance, password: string) => call(instance, {}, 'POST', '/login', { email: user.email, password });
	for (let i = 0; i < 3; i++) expect((await attempt(a, 'wrong-password-1')).status).toBe(401);
	for (let i = 0; i < 2; i++) expect((await attempt(b, 'wrong-password-1')).status).toBe(401);
	for (const instance of [a, b]) {
		const refused = await attempt(instance, user.password);
		expect(refused.status, refused.text).toBe(429);
		expect(refused.body.error.code).toBe('too_many_requests');
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
	}
});

test('an event raised on A reaches B’s stream; a stream resumed on A with B’s last event id gets what it missed', async () => {
	type Seen = { id: string | null; event: string; data: { sessionId?: string; plate?: string } };
	const onB: Seen[] = [];
	const stopB = new AbortController();
	const streamB = await readEvents(`${b.url}/api/v1/events?lotId=${lotId}`, adminB, stopB.signal, (e) => onB.push(e as Seen));
	expect(streamB.status).toBe(200);
	expect(streamB.headers.get('content-type')).toContain('text/event-stream');
	await new Promise((r) => setTimeout(r, 500)); // B's tail starts from the newest event
	const first = await call(a, adminA, 'POST', '/api/v1/sessions', { lotId, plate: 'KA01SC2001' });
	expect(first.status).toBe(201);
	await expect.poll(() => onB.find((e) => e.event === 'session.started' && e.data.sessionId === first.body.id), { timeout: 10_000 }).toBeTruthy();
	const lastId = onB.at(-1)!.id!;
	stopB.abort(); // B goes away; the browser reconnects, through the proxy, to A

	const missed = await call(b, adminB, 'POST', '/api/v1/sessions', { lotId, plate: 'KA01SC2002' });
	const onA: Seen[] = [];
	const stopA = new AbortController();
	await readEvents(`${a.url}/api/v1/events?lotId=${lotId}`, { ...adminA, 'last-event-id': lastId }, stopA.signal, (e) => onA.push(e as Seen));
	const live = await call(b, adminB, 'POST', '/api/v1/sessions', { lotId, plate: 'KA01SC2003' });
	await expect.poll(() => onA.filter((e) => e.event === 'session.started').map((e) => e.data.sessionId), { timeout: 10_000 }).toEqual([missed.body.id, live.body.id]);
	stopA.abort();
});

test('a photo a gate posted to A is kept in the shared S3 and served through B', async () => {
	const key = await call(a, adminA, 'POST', '/api/v1/device-keys', { name: 'scale-out gate' });
	const gate = await call(a, adminA, 'POST', `/api/v1/lots/${lotId}/gates`, { name: 'Scale-out entry', direction: 'entry', deviceKeyId: key.body.id });
	expect(gate.status, gate.text).toBe(201);
	const identity = { id: gate.body.id, key: key.body.key };
	const capturedAt = Date.now();
	const posted = await postCapture(a.url, identity, 'scale-out-1', PHOTO, { capturedAt, deadlineMs: 120_000 });
	expect(posted.answer, JSON.stringify(posted.attempts)).not.toBeNull();
	const answer = posted.answer!;
	// the retry goes to B (a gate's retry may land on any instance): the first answer, nothing new
	const retried = await postCapture(b.url, identity, 'scale-out-1', PHOTO, { capturedAt });
	expect(retried.attempts.at(-1)!.replayed).toBe(true);
	expect(retried.body).toBe(posted.body);
	const view = await call(b, adminB, 'GET', `/api/v1/gates/${gate.body.id}/captures/${answer.capture_id}`);
	expect(view.body.image_url).toMatch(new RegExp(`^${s3.url}/spms-scale/captures/`));
	const photo = await fetch(view.body.image_url);
	expect(photo.status).toBe(200);
	const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
	expect(digest(new Uint8Array(await photo.arrayBuffer()))).toBe(digest(PHOTO));
});

test('each SMS is sent once though both instances run a sender', async () => {
	const payments: string[] = [];
	for (let i = 0; i < 24; i++) {
		const instance = i % 2 ? b : a;
		const s = await call(instance, adminA, 'POST', '/api/v1/sessions', { lotId, plate: `KA01SM${String(3000 + i)}` });
		expect(s.status, s.text).toBe(201);
		const paid = await call(instance, adminA, 'POST', `/api/v1/sessions/${s.body.id}/payments`, { amountPaise: 1000 + i, method: 'upi', phone: `+91981234${String(5000 + i)}` });
		expect(paid.status, paid.text).toBe(201);
		payments.push(paid.body.id);
	}
	const outbox = async () => {
		const res = await call(a, adminA, 'GET', '/api/v1/sms/outbox?kind=payment_confirmation&limit=200');
		return (res.body.items as Array<{ ref: string; status: string }>).filter((m) => payments.some((p) => m.ref === `payment:${p}`));
	};
	await expect.poll(async () => (await outbox()).filter((m) => m.status === 'accepted').length, { timeout: 60_000 }).toBe(24);
	// a few more sender rounds on both: still one message per payment at Twilio
	await new Promise((r) => setTimeout(r, 5_000));
	// the confirmations (the expiry scan may also have told some of these numbers their paid time ends)
	const atTwilio = twilio.fake.messages.filter((m) => m.to.startsWith('+91981234') && m.body.includes('received for KA01SM'));
	const twice = atTwilio.filter((m) => atTwilio.filter((o) => o.body === m.body).length > 1);
	expect(twice.map((m) => ({ to: m.to, attempt: m.attempt, body: m.body }))).toEqual([]);
	expect(new Set(atTwilio.map((m) => m.to)).size).toBe(24);
	expect(atTwilio.length).toBe(24);
});
