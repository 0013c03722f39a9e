/** The parking API over HTTP, on both engines: the original endpoints and /api/v1. */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { bearer, createUser, tokenFor } from '../support.ts';

let admin: Record<string, string>;
let patrol: Record<string, string>;
let driver: Record<string, string>;
let lotId = '';
let plateNo = 1000 + Math.floor(Math.random() * 8000);
const plate = () => `MH12CD${plateNo++}`;

test.beforeAll(async ({ request, baseURL }) => {
	admin = bearer(await tokenFor(request, createUser(baseURL, 'admin')));
	patrol = bearer(await tokenFor(request, createUser(baseURL, 'patrol')));
	driver = bearer(await tokenFor(request, createUser(baseURL, 'driver')));
	const lot = await request.post('/api/v1/lots', { headers: admin, data: { name: 'Phoenix Mall', capacity: { car: 100, 'two-wheeler': 50 }, longStayMinutes: 600 } });
	expect(lot.status(), await lot.text()).toBe(201);
	lotId = (await lot.json()).id;
});

async function errorOf(res: Awaited<ReturnType<APIRequestContext['post']>>, status: number) {
	expect(res.status(), await res.text()).toBe(status);
	return ((await res.json()) as { error: { code: string; message: string; fields?: Record<string, string> } }).error;
}

test('the original start/end flow answers in its shapes, amount in rupees', async ({ request }) => {
	const p = plate();
	const start = await request.post('/start_session', { headers: driver, data: { plate: p.toLowerCase().replace(/(\d+)$/, ' $1') } });
	expect(start.status()).toBe(201);
	const started = await start.json();
	expect(started).toEqual({ session_id: expect.any(String), plate: p, status: 'active' });
	const end = await request.post('/end_session', { headers: driver, data: { session_id: started.session_id } });
	expect(end.status()).toBe(200);
	expect(await end.json()).toEqual({ session_id: started.session_id, plate: p, status: 'completed', amount: 0 });
	const mine = await (await request.get('/sessions', { headers: driver })).json();
	expect(mine.map((s: { session_id: string }) => s.session_id)).toContain(started.session_id);
	// ending twice is refused
	expect((await errorOf(await request.post('/end_session', { headers: driver, data: { session_id: started.session_id } }), 409)).code).toBe('session_not_active');
	// a driver can't see the anomaly list
	expect((await request.get('/anomalies', { headers: driver })).status()).toBe(403);
});

test('an entry, a duplicate entry, payment and exit through /api/v1', async ({ request }) => {
	const p = plate();
	const entryAt = Date.now() - 95 * 60_000;
	const start = await request.post('/api/v1/sessions', { headers: patrol, data: { lotId, plate: p, at: entryAt } });
	expect(start.status(), await start.text()).toBe(201);
	const session = await start.json();
	expect(session).toMatchObject({ plate: p, status: 'active', vehicleClass: 'car', duePaise: null });

	const dup = await errorOf(await request.post('/api/v1/sessions', { headers: patrol, data: { lotId, plate: p } }), 409);
	expect(dup).toMatchObject({ code: 'already_parked', fields: { sessionId: session.id } });
	const anomalies = await (await request.get(`/api/v1/anomalies?lotId=${lotId}&kind=duplicate-entry&plate=${p}`, { headers: patrol })).json();
	expect(anomalies.total).toBe(1);

	const occupancy = await (await request.get(`/api/v1/lots/${lotId}/occupancy`, { headers: patrol })).json();
	expect(occupancy.classes.find((c: { vehicleClass: string }) => c.vehicleClass === 'car').occupied).toBeGreaterThanOrEqual(1);

	const ended = await (await request.post(`/api/v1/sessions/${session.id}/end`, { headers: patrol, data: { at: entryAt + 95 * 60_000 } })).json();
	expect(ended).toMatchObject({ status: 'completed', feePaise: 10_000, duePaise: 10_000 });

	const payId = 'payaaaaaaaaaaaaaaaaaaaaa';
	const paid = await request.post(`/api/v1/sessions/${session.id}/payments`, { headers: patrol, data: { id: payId, amountPaise: 10_000, method: 'upi', reference: 'UPI/123' } });
	expect(paid.status()).toBe(201);
	const again = await request.post(`/api/v1/sessions/${session.id}/payments`, { headers: patrol, data: { id: payId, amountPaise: 10_000, method: 'upi', reference: 'UPI/123' } });
	expect(again.status()).toBe(200);
	const detail = await (await request.get(`/api/v1/sessions/${session.id}`, { headers: patrol })).json();
	expect(detail).toMatchObject({ paidPaise: 10_000, duePaise: 0 });
	expect(detail.payments).toHaveLength(1);
});

test('bad parking input gets a clear 4xx and writes nothing', async ({ request }) => {
	const before = (await (await request.get(`/api/v1/sessions?lotId=${lotId}&limit=1`, { headers: admin })).json()).total;
	for (const bad of ['', '!!!!', 'A'.repeat(200), '<script>', "KA01' OR 1=1"]) {
		const e = await errorOf(await request.post('/api/v1/sessions', { headers: patrol, data: { lotId, plate: bad } }), 422);
		expect(e.fields?.plate, bad).toBeTruthy();
	}
	await errorOf(await request.post('/api/v1/sessions', { headers: patrol, data: { lotId: 'nope', plate: plate() } }), 404);
	expect((await (await request.get(`/api/v1/sessions?lotId=${lotId}&limit=1`, { headers: admin })).json()).total).toBe(before);

	const s = await (await request.post('/api/v1/sessions', { headers: patrol, data: { lotId, plate: plate() } })).json();
	expect((await errorOf(await request.post(`/api/v1/sessions/${s.id}/end`, { headers: patrol, data: { at: s.entryAt - 60_000 } }), 422)).code).toBe('exit_before_entry');
	for (const amountPaise of [-500, 12.5, 0, '100']) {
		await errorOf(await request.post(`/api/v1/sessions/${s.id}/payments`, { headers: patrol, data: { amountPaise, method: 'cash' } }), 422);
	}
	await errorOf(await request.post(`/api/v1/sessions/${s.id}/payments`, { headers: patrol, data: { amountPaise: 100, method: 'bitcoin' } }), 422);

	const contradictory = await errorOf(
		await request.put(`/api/v1/lots/${lotId}/tariffs/car`, {
			headers: admin,
			data: { charge: { kind: 'slabs', slabs: [{ upToMinutes: 120, amountPaise: 5500 }, { upToMinutes: 30, amountPaise: 2000 }], thereafter: { everyMinutes: 60, amountPaise: 1000 } } }
		}),
		422
	);
	expect(Object.keys(contradictory.fields ?? {}).join(' ')).toMatch(/slabs/);
	const zone = await errorOf(await request.post('/api/v1/lots', { headers: admin, data: { name: 'Nowhere', timeZone: 'Mars/Olympus', capacity: { car: 1 } } }), 422);
	expect(zone.fields?.timeZone).toMatch(/IANA/);
	await errorOf(await request.get('/api/v1/sessions?limit=100000', { headers: admin }), 422);
	await errorOf(await request.get('/api/v1/sessions?colour=red', { headers: admin }), 422);
});

test('a slab plan set by an admin prices the next exits; patrol cannot set plans', async ({ request }) => {
	const lot = await (await request.post('/api/v1/lots', { headers: admin, data: { name: 'Slab lot', capacity: { car: 10 } } })).json();
	const plan = { graceMinutes: 5, charge: { kind: 'slabs', slabs: [{ upToMinutes: 30, amountPaise: 2000 }, { upToMinutes: 120, amountPaise: 5500 }], thereafter: { everyMinutes: 60, amountPaise: 1000 } }, capPer24hPaise: 30_000 };
	expect((await request.put(`/api/v1/lots/${lot.id}/tariffs/car`, { headers: patrol, data: plan })).status()).toBe(403);
	expect((await request.put(`/api/v1/lots/${lot.id}/tariffs/car`, { headers: admin, data: plan })).status()).toBe(200);
	const entryAt = Date.now() - 200 * 60_000;
	const s = await (await request.post('/api/v1/sessions', { headers: patrol, data: { lotId: lot.id, plate: plate(), at: entryAt } })).json();
	const ended = await (await request.post(`/api/v1/sessions/${s.id}/end`, { headers: patrol, data: { at: entryAt + 190 * 60_000 } })).json();
	expect(ended.feePaise).toBe(7500);
});

test('an exit misread is linked for review, and the stream reports live events', async ({ request, baseURL }) => {
	const controller = new AbortController();
	const received: string[] = [];
	const token = admin.authorization!;
	const stream = fetch(`${baseURL}/api/v1/events?lotId=${lotId}`, { headers: { authorization: token }, signal: controller.signal }).then(async (res) => {
		expect(res.headers.get('content-type')).toContain('text/event-stream');
		const reader = res.body!.getReader();
		const decoder = new TextDecoder();
		for (;;) {
			const { value, done } = await reader.read();
			if (done) break;
			received.push(decoder.decode(value));
		}
	}).catch((e: unknown) => { if ((e as Error).name !== 'AbortError') throw e; });
	await expect.poll(() => received.join('')).toContain(': connected');
	const p = 'KA05MB1234';
	const s = await (await request.post('/api/v1/sessions', { headers: patrol, data: { lotId, plate: p } })).json();
	const exit = await (await request.post('/api/v1/sessions/exit', { headers: patrol, data: { lotId, plate: 'KA05M81234' } })).json();
	expect(exit).toEqual({ outcome: 'mismatch', candidates: [{ sessionId: s.id, plate: p }] });
	await expect.poll(() => received.join(''), { timeout: 10_000 }).toContain('event: session.started');
	await expect.poll(() => received.join(''), { timeout: 10_000 }).toContain('event: anomaly');
	controller.abort();
	await stream;
	const review = (await (await request.get(`/api/v1/anomalies?lotId=${lotId}&kind=plate-mismatch`, { headers: admin })).json()).items[0];
	expect(review.relatedSessionId).toBe(s.id);
	const resolved = await request.patch(`/api/v1/anomalies/${review.id}`, { headers: admin, data: { status: 'resolved', note: 'camera misread B as 8' } });
	expect((await resolved.json()).status).toBe('resolved');
});

test('the OpenAPI document describes /api/v1 from the validating schemas', async ({ request }) => {
	const doc = await (await request.get('/api/v1/openapi.json')).json();
	expect(doc.openapi).toBe('3.1.0');
	const start = doc.paths['/api/v1/sessions'].post;
	expect(start.requestBody.content['application/json'].schema.required).toContain('plate');
	expect(doc.paths['/api/v1/sessions'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['lotId', 'plate', 'status', 'limit', 'offset']));
	expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
});
