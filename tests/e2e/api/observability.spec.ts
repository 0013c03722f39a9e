/**
 * Observability over HTTP: the probes, the Prometheus metrics (per route id, plate reads, the
 * SMS outbox, gates online), request ids, and the server's own log output — read from the file
 * the test server writes (scripts/e2e-server.js) — holding no password, token, device key,
 * session id or full phone number after real requests that carried them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { testJpeg } from '../../../src/lib/server/gates/testing.ts';
import { bearer, createUser, serverState, tokenFor, uniqueEmail } from '../support.ts';

let admin: Record<string, string> = {};
const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);

test.beforeAll(async ({ request, baseURL }) => {
	admin = bearer(await tokenFor(request, createUser(baseURL, 'admin')));
});

async function metrics(request: APIRequestContext): Promise<string> {
	const res = await request.get('/metrics');
	expect(res.status()).toBe(200);
	expect(res.headers()['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
	return res.text();
}

/** The value of a series (`name{labels}`) in an exposition; 0 when absent. */
function sample(text: string, series: string): number {
	const line = text.split('\n').find((l) => l.startsWith(`${series} `));
	return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function newLot(request: APIRequestContext): Promise<string> {
	const res = await request.post('/api/v1/lots', { headers: admin, data: { name: `Obs ${run} ${Math.random()}`, capacity: { car: 50 } } });
	expect(res.status(), await res.text()).toBe(201);
	return (await res.json()).id;
}

async function newGate(request: APIRequestContext, lotId: string): Promise<{ id: string; key: string }> {
	const key = await request.post('/api/v1/device-keys', { headers: admin, data: { name: `obs gate ${run} ${Math.random()}` } });
	const { id: keyId, key: secret } = await key.json();
	const gate = await request.post(`/api/v1/lots/${lotId}/gates`, { headers: admin, data: { name: 'obs in', direction: 'entry', deviceKeyId: keyId } });
	expect(gate.status(), await gate.text()).toBe(201);
	return { id: (await gate.json()).id, key: secret };
}

test('liveness and readiness', async ({ request }) => {
	const health = await request.get('/healthz');
	expect(health.status()).toBe(200);
	expect(await health.json()).toEqual({ status: 'ok' });
	const ready = await request.get('/readyz');
	expect(ready.status(), await ready.text()).toBe(200);
	expect(ready.headers()['cache-control']).toBe('no-store');
	expect(await ready.json()).toMatchObject({
		status: 'ready',
		reasons: [],
		checks: { database: { ok: true }, migrations: { ok: true, pending: 0 }, storage: { ok: true, backend: 'local' } }
	});
});

test('request latency is counted per route id and status class, never per raw path', async ({ request }) => {
	const id = `no-such-lot-${run}`;
	expect((await request.get(`/api/v1/lots/${id}`, { headers: admin })).status()).toBe(404);
	expect((await request.get('/api/v1/lots', { headers: admin })).status()).toBe(200);
	const text = await metrics(request);
	expect(sample(text, 'spms_http_request_duration_seconds_count{route="/api/v1/lots/[id]",method="GET",status="4xx"}')).toBeGreaterThanOrEqual(1);
	expect(sample(text, 'spms_http_request_duration_seconds_count{route="/api/v1/lots",method="GET",status="2xx"}')).toBeGreaterThanOrEqual(1);
	expect(sample(text, 'spms_http_request_duration_seconds_bucket{route="/api/v1/lots",method="GET",status="2xx",le="+Inf"}')).toBe(
		sample(text, 'spms_http_request_duration_seconds_count{route="/api/v1/lots",method="GET",status="2xx"}')
	);
	expect(text).not.toContain(id);
	// every series of the histogram names a route of the app (or "unmatched")
	for (const m of text.matchAll(/^spms_http_request_duration_seconds_count\{route="([^"]*)"/gm)) expect(m[1]).toMatch(/^(\/|unmatched)/);
});

test('a capture counts a plate read, a heartbeat a gate online, a payment with a phone an SMS in the outbox', async ({ request }) => {
	const lotId = await newLot(request);
	const before = await metrics(request);
	const gate = await newGate(request, lotId);
	const capture = await request.post(`/api/v1/gates/${gate.id}/captures`, {
		headers: { ...bearer(gate.key), 'idempotency-key': `obs-${run}`, 'x-capture-time': new Date().toISOString(), 'content-type': 'image/jpeg' },
		data: Buffer.from(testJpeg(320, 240, 3))
	});
	expect(capture.status(), await capture.text()).toBe(200);
	expect((await request.post(`/api/v1/gates/${gate.id}/heartbeat`, { headers: bearer(gate.key) })).status()).toBe(204);
	const session = await request.post('/api/v1/sessions', { headers: admin, data: { lotId, plate: `KA01OB${Math.floor(1000 + Math.random() * 8999)}` } });
	expect(session.status(), await session.text()).toBe(201);
	const paid = await request.post(`/api/v1/sessions/${(await session.json()).id}/payments`, { headers: admin, data: { amountPaise: 5000, method: 'upi', phone: '+919812345678' } });
	expect(paid.status(), await paid.text()).toBe(201);

	const after = await metrics(request);
	const reads = (t: string) => ['ok', 'empty', 'unsupported-format', 'truncated', 'corrupt', 'too-large', 'busy', 'timeout', 'failed'].reduce((n, o) => n + sample(t, `spms_lpr_read_duration_seconds_count{outcome="${o}"}`), 0);
	expect(reads(after)).toBe(reads(before) + 1);
	expect(sample(after, 'spms_lpr_read_duration_seconds_count{outcome="ok"}')).toBeGreaterThanOrEqual(1);
	expect(sample(after, 'spms_gates')).toBe(sample(before, 'spms_gates') + 1);
	expect(sample(after, 'spms_gates_online')).toBeGreaterThanOrEqual(1);
	expect(sample(after, 'spms_gates_online')).toBeLessThanOrEqual(sample(after, 'spms_gates'));
	// no Twilio on the test server: the confirmation waits in the outbox
	expect(sample(after, 'spms_sms_outbox_messages{status="pending"}')).toBeGreaterThanOrEqual(sample(before, 'spms_sms_outbox_messages{status="pending"}') + 1);
	expect(sample(after, 'spms_database_up')).toBe(1);
	expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
});

test('a well-formed X-Request-Id from a proxy is kept and echoed; anything else is replaced by a new one', async ({ request }) => {
	const mine = `proxy-${run}-0001`;
	expect((await request.get('/healthz', { headers: { 'x-request-id': mine } })).headers()['x-request-id']).toBe(mine);
	for (const bad of ['short', 'has spaces in it', 'x'.repeat(65), 'semi;colon-12345', '<script>alert(1)</script>']) {
		const echoed = (await request.get('/healthz', { headers: { 'x-request-id': bad } })).headers()['x-request-id'];
		expect(echoed, bad).toMatch(/^[a-z2-7]{24}$/);
	}
	const a = (await request.get('/healthz')).headers()['x-request-id'];
	const b = (await request.get('/healthz')).headers()['x-request-id'];
	expect(a).toMatch(/^[a-z2-7]{24}$/);
	expect(a).not.toBe(b);
});

test('the logs of real requests carrying secrets hold none of them, and mask phone numbers', async ({ request, baseURL }) => {
	const file = join(serverState(baseURL).dataDir, 'server.log');
	expect(existsSync(file), 'scripts/e2e-server.js keeps the server output in DATA_DIR/server.log').toBe(true);
	const id = (n: number) => `logtest-${run}-${n}`;
	const email = uniqueEmail('logs');
	const password = `pw-${run}-Secret-9`;
	expect((await request.post('/register', { headers: { 'x-request-id': id(1) }, data: { email, password } })).status()).toBe(201);
	expect((await request.post('/login', { headers: { 'x-request-id': id(2) }, data: { email, password: `${password}-wrong` } })).status()).toBe(401);
	const login = await request.post('/login', { headers: { 'x-request-id': id(3) }, data: { email, password } });
	expect(login.status()).toBe(200);
	const token: string = (await login.json()).token;
	const cookieLogin = await request.post('/login', { headers: { 'x-request-id': id(4), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, data: `email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`, maxRedirects: 0 });
	const cookie = /spms_session=([^;]+)/.exec(cookieLogin.headers()['set-cookie'] ?? '')?.[1];
	expect(cookie, 'the form sign-in sets the session cookie').toBeTruthy();
	expect((await request.get('/api/v1/me', { headers: { ...bearer(token), 'x-request-id': id(5) } })).status()).toBe(200);
	expect((await request.get('/api/v1/me', { headers: { cookie: `spms_session=${cookie}`, 'x-request-id': id(6) } })).status()).toBe(200);
	const lotId = await newLot(request);
	const gate = await newGate(request, lotId);
	expect((await request.post(`/api/v1/gates/${gate.id}/heartbeat`, { headers: { 'x-device-key': gate.key, 'x-request-id': id(7) } })).status()).toBe(204);
	// secrets and a phone number where a careless client puts them: in the path
	const phone = '+919812345678';
	expect((await request.get(`/api/v1/lots/${phone}`, { headers: { ...admin, 'x-request-id': id(8) } })).status()).toBe(404);
	expect((await request.get(`/api/v1/lots/${encodeURIComponent(phone)}`, { headers: { ...admin, 'x-request-id': id(11) } })).status()).toBe(404);
	expect((await request.get(`/api/v1/lots/${token}`, { headers: { ...admin, 'x-request-id': id(9) } })).status()).toBe(404);
	expect((await request.get(`/no-such-page/${gate.key}/9876543210`, { headers: { 'x-request-id': id(10), accept: 'application/json' } })).status()).toBe(404);

	const secrets = [password, token, cookie!, gate.key, gate.key.slice('spms_dk_'.length), createHash('sha256').update(token).digest('hex'), phone, phone.slice(1), '9812345678', '9876543210'];
	let text = '';
	await expect
		.poll(() => {
			text = readFileSync(file, 'utf8');
			return text.includes(`"req_id":"${id(11)}"`);
		}, { message: 'the request lines reach the log' })
		.toBe(true);
	const lines = text.split('\n').filter((l) => l.includes('logtest-' + run));
	expect(lines.length).toBeGreaterThanOrEqual(11);
	for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
	for (const secret of secrets) expect(text.includes(secret), `the log holds ${secret.slice(0, 6)}…`).toBe(false);
	const byId = (n: number) => lines.map((l) => JSON.parse(l)).find((l) => l.req_id === id(n) && l.msg === 'request');
	expect(byId(5)).toMatchObject({ route: '/api/v1/me', status: 200, user_id: expect.any(String) });
	expect(byId(7)).toMatchObject({ route: '/api/v1/gates/[id]/heartbeat', status: 204, device_id: expect.any(String) });
	expect(byId(8).path).toBe('/api/v1/lots/+••••••••5678');
	expect(byId(9).path).toBe('/api/v1/lots/[redacted]');
	expect(byId(10).path).toBe('/no-such-page/spms_dk_[redacted]/••••••3210');
	expect(byId(11).path).toBe('/api/v1/lots/%2B••••••••5678');
});
