/**
 * Rate limits over HTTP at the server's defaults: gate captures per device key
 * (RATE_LIMIT_CAPTURES_PER_MINUTE=120), plate reads and evidence upload links per account
 * (RATE_LIMIT_UPLOADS_PER_MINUTE=30). Past the budget: 429 in the JSON error shape with a
 * Retry-After within the minute, counted in /metrics; another key or account is unaffected. The
 * requests are cheap refusals (every request counts, valid or not), so a budget is spent in
 * moments. Sign-in throttling (5 failures per account) is tested in bad-input.spec.ts.
 */
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { bearer, createUser, tokenFor } from '../support.ts';

let admin: Record<string, string> = {};
let lotId = '';
const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);

test.beforeAll(async ({ request, baseURL }) => {
	admin = bearer(await tokenFor(request, createUser(baseURL, 'admin')));
	const lot = await request.post('/api/v1/lots', { headers: admin, data: { name: `Limits ${run}`, capacity: { car: 10 } } });
	expect(lot.status()).toBe(201);
	lotId = (await lot.json()).id;
});

async function newGate(request: APIRequestContext): Promise<{ id: string; key: string }> {
	const key = await request.post('/api/v1/device-keys', { headers: admin, data: { name: `limits ${run} ${Math.random()}` } });
	const { id: keyId, key: secret } = await key.json();
	const gate = await request.post(`/api/v1/lots/${lotId}/gates`, { headers: admin, data: { name: 'limited', direction: 'entry', deviceKeyId: keyId } });
	expect(gate.status(), await gate.text()).toBe(201);
	return { id: (await gate.json()).id, key: secret };
}

async function expectLimited(res: APIResponse): Promise<void> {
	expect(res.status(), await res.text()).toBe(429);
	expect(await res.json()).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });
	const retryAfter = Number(res.headers()['retry-after']);
	expect(retryAfter).toBeGreaterThanOrEqual(1);
	expect(retryAfter).toBeLessThanOrEqual(60);
}

async function rateLimited(request: APIRequestContext, route: string): Promise<number> {
	const text = await (await request.get('/metrics')).text();
	const line = text.split('\n').find((l) => l.startsWith(`spms_rate_limited_total{route="${route}"} `));
	return line ? Number(line.split(' ')[1]) : 0;
}

test('gate captures: 120 a minute per device key, then 429 with Retry-After; another gate goes on', async ({ request }) => {
	const gate = await newGate(request);
	const other = await newGate(request);
	const before = await rateLimited(request, '/api/v1/gates/[id]/captures');
	const post = (g: { id: string; key: string }, i: number) =>
		request.post(`/api/v1/gates/${g.id}/captures`, {
			headers: { ...bearer(g.key), 'idempotency-key': `limit-${i}`, 'x-capture-time': new Date().toISOString(), 'content-type': 'text/plain' },
			data: 'not a photo'
		});
	for (let i = 0; i < 120; i++) expect((await post(gate, i)).status(), `capture ${i}`).toBe(415);
	await expectLimited(await post(gate, 120));
	await expectLimited(await post(gate, 121));
	expect((await post(other, 0)).status()).toBe(415);
	expect(await rateLimited(request, '/api/v1/gates/[id]/captures')).toBe(before + 2);
});

test('plate reads (/upload_plate) and evidence upload links: 30 a minute per account, each its own budget', async ({ request, baseURL }) => {
	const patrol = bearer(await tokenFor(request, createUser(baseURL, 'patrol')));
	const driver = bearer(await tokenFor(request, createUser(baseURL, 'driver')));
	const upload = (who: Record<string, string>) => request.post('/upload_plate', { headers: { ...who, 'content-type': 'text/plain' }, data: 'not a photo' });
	const link = (who: Record<string, string>) => request.post('/api/v1/evidence-uploads', { headers: who, data: { lotId, contentType: 'text/html', bytes: 10 } });
	for (let i = 0; i < 30; i++) expect((await upload(patrol)).status(), `upload ${i}`).toBe(415);
	await expectLimited(await upload(patrol));
	// the same account's evidence links and another account's reads are not spent
	for (let i = 0; i < 30; i++) expect((await link(patrol)).status(), `link ${i}`).toBe(415);
	await expectLimited(await link(patrol));
	expect((await upload(driver)).status()).toBe(415);
});
