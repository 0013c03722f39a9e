/**
 * What a careless or hostile client sends to the account endpoints: each gets a clear 4xx in the
 * JSON error shape, and nothing is written (checked through the admin's user list).
 */
import http from 'node:http';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { bearer, createUser, tokenFor, uniqueEmail } from '../support.ts';

let adminToken = '';

test.beforeAll(async ({ request, baseURL }) => {
	adminToken = await tokenFor(request, createUser(baseURL, 'admin'));
});

async function userCount(request: APIRequestContext): Promise<number> {
	const res = await request.get('/api/v1/users', { headers: bearer(adminToken) });
	expect(res.status()).toBe(200);
	return (await res.json()).users.length;
}

async function expectError(res: Awaited<ReturnType<APIRequestContext['post']>>, status: number, code: string) {
	expect(res.status(), await res.text()).toBe(status);
	const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } };
	expect(body.error.code).toBe(code);
	expect(typeof body.error.message).toBe('string');
	return body.error;
}

const cases: Array<{ name: string; headers?: Record<string, string>; body: string | Buffer; status: number; code: string }> = [
	{ name: 'malformed JSON', body: '{"email": "a@b.co", ', status: 400, code: 'invalid_json' },
	{ name: 'empty body', body: '', status: 400, code: 'invalid_json' },
	{ name: 'wrong content type', headers: { 'content-type': 'text/plain' }, body: '{"email":"x@example.com","password":"password-1"}', status: 415, code: 'unsupported_media_type' },
	{ name: 'form-encoded instead of JSON', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'email=x@example.com&password=password-1', status: 415, code: 'unsupported_media_type' },
	{ name: 'a JSON array', body: '[]', status: 422, code: 'validation_failed' },
	{ name: 'missing password', body: '{"email":"missing@example.com"}', status: 422, code: 'validation_failed' },
	{ name: 'an extra field (role escalation attempt)', body: '{"email":"extra@example.com","password":"password-1","role":"admin"}', status: 422, code: 'validation_failed' },
	{ name: 'a 100 KB password', body: JSON.stringify({ email: 'long@example.com', password: 'x'.repeat(50_000) }), status: 422, code: 'validation_failed' },
	{ name: 'a 10 MB body', body: Buffer.alloc(10 * 1024 * 1024, 'a'), status: 413, code: 'payload_too_large' },
	{ name: 'SQL in the e-mail', body: JSON.stringify({ email: "x' OR '1'='1'; DROP TABLE users; --@example.com", password: 'password-1' }), status: 422, code: 'validation_failed' },
	{ name: 'HTML in the e-mail', body: JSON.stringify({ email: '<script>alert(1)</script>@example.com', password: 'password-1' }), status: 422, code: 'validation_failed' },
	{ name: 'a number for the e-mail', body: '{"email":42,"password":"password-1"}', status: 422, code: 'validation_failed' },
	{ name: 'a short password', body: '{"email":"short@example.com","password":"1234567"}', status: 422, code: 'validation_failed' }
];

for (const c of cases) {
	test(`POST /register with ${c.name} → ${c.status}, nothing written`, async ({ request }) => {
		const before = await userCount(request);
		const res = await request.post('/register', { headers: { 'content-type': 'application/json', ...c.headers }, data: Buffer.from(c.body) });
		await expectError(res, c.status, c.code);
		expect(await userCount(request)).toBe(before);
	});
}

test('validation errors name the fields', async ({ request }) => {
	const res = await request.post('/register', { data: { email: 'not-an-email', password: 'x', admin: true } });
	const error = await expectError(res, 422, 'validation_failed');
	expect(Object.keys(error.fields ?? {}).sort()).toEqual(['admin', 'email', 'password']);
});

test('addresses that differ only by case or Unicode form are one account', async ({ request }) => {
	const email = uniqueEmail('unicode');
	expect((await request.post('/register', { data: { email, password: 'password-1' } })).status()).toBe(201);
	const before = await userCount(request);
	const [local, domain] = email.split('@') as [string, string];
	// full-width "Ｕ" (U+FF35) normalises (NFKC) to "U", then to lower case
	const variant = `${local.replace('u', '\uFF35').toUpperCase()}@${domain.toUpperCase()}`;
	await expectError(await request.post('/register', { data: { email: variant, password: 'password-2' } }), 409, 'email_taken');
	expect(await userCount(request)).toBe(before);
	expect((await request.post('/login', { data: { email: variant, password: 'password-1' } })).status()).toBe(200);
});

test('SQL injection in a sign-in gets 401, not a session', async ({ request }) => {
	await expectError(await request.post('/login', { data: { email: 'nobody@example.com', password: "' OR '1'='1" } }), 401, 'invalid_credentials');
});

test('a made-up, malformed or foreign bearer token gets 401', async ({ request }) => {
	for (const token of ['a'.repeat(32), 'not a token', 'spms_dk_' + 'b'.repeat(32), "' OR 1=1 --"]) {
		const res = await request.get('/api/v1/me', { headers: bearer(token) });
		expect(res.status(), token).toBe(401);
	}
});

test('a revoked device key gets 401, a live one its device', async ({ request }) => {
	const created = await request.post('/api/v1/device-keys', { headers: bearer(adminToken), data: { name: 'Revoke me' } });
	const { id, key } = await created.json();
	expect((await request.get('/api/v1/device/me', { headers: bearer(key) })).status()).toBe(200);
	expect((await request.get('/api/v1/device/me', { headers: { 'x-device-key': key } })).status()).toBe(200);
	expect((await request.delete(`/api/v1/device-keys/${id}`, { headers: bearer(adminToken) })).status()).toBe(204);
	await expectError(await request.get('/api/v1/device/me', { headers: bearer(key) }), 401, 'unauthorized');
});

test('a cross-site form post is refused', async ({ request }) => {
	const res = await request.post('/register', {
		headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
		data: `email=${encodeURIComponent(uniqueEmail('csrf'))}&password=password-1`
	});
	await expectError(res, 403, 'cross_site_request');
});

test('repeated wrong passwords lock the account for a while (429 with Retry-After)', async ({ request }) => {
	const email = uniqueEmail('lock');
	await request.post('/register', { data: { email, password: 'password-1' } });
	for (let i = 0; i < 5; i++) expect((await request.post('/login', { data: { email, password: 'wrong-password' } })).status()).toBe(401);
	const res = await request.post('/login', { data: { email, password: 'password-1' } });
	await expectError(res, 429, 'too_many_requests');
	expect(Number(res.headers()['retry-after'])).toBeGreaterThan(0);
});

test('a body refused unread (no account, no such route, a declared length over the limit) leaves the keep-alive connection usable', async ({ baseURL }) => {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const url = new URL(baseURL!);
	const send = (method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) =>
		new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
			const req = http.request({ host: url.hostname, port: url.port, path, method, agent, headers: { accept: 'application/json', ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}) } }, (res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode!, socket: req.socket }));
			});
			req.on('error', reject);
			req.end(body);
		});
	const big = Buffer.from(JSON.stringify({ name: 'x'.repeat(300_000) }));
	try {
		const first = await send('GET', '/api/v1/me');
		for (const [method, path, headers, status] of [
			['POST', '/api/v1/lots', {}, 401],
			['POST', '/api/v1/no-such-route', {}, 404],
			['POST', '/api/v1/lots', { authorization: `Bearer ${adminToken}` }, 413]
		] as const) {
			expect((await send(method, path, big, headers)).status, `${method} ${path}`).toBe(status);
			// the same connection answers the next request
			const next = await send('GET', '/api/v1/me');
			expect(next.status).toBe(401);
			expect(next.socket).toBe(first.socket);
		}
	} finally {
		agent.destroy();
	}
});
