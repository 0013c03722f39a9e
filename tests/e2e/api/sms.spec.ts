/**
 * SMS over HTTP, on both engines, on servers without Twilio credentials: a payment's confirmation
 * waits in the outbox marked "SMS not configured"; webhooks without a valid X-Twilio-Signature are
 * refused (with no auth token nothing can be verified, so every one is); bad numbers and templates
 * are refused in the JSON error shape.
 */
import { expect, test } from '@playwright/test';
import { bearer, createUser, tokenFor } from '../support.ts';

let admin: Record<string, string>;
let operator: Record<string, string>;
let lotId = '';
let plateNo = 1000 + Math.floor(Math.random() * 8000);
const plate = () => `TN09SM${plateNo++}`;

test.beforeAll(async ({ request, baseURL }) => {
	admin = bearer(await tokenFor(request, createUser(baseURL, 'admin')));
	operator = bearer(await tokenFor(request, createUser(baseURL, 'operator')));
	const lot = await request.post('/api/v1/lots', { headers: admin, data: { name: 'SMS Mall', country: 'in', capacity: { car: 100 } } });
	expect(lot.status(), await lot.text()).toBe(201);
	lotId = (await lot.json()).id;
});

async function activeSession(request: import('@playwright/test').APIRequestContext) {
	const res = await request.post('/api/v1/sessions', { headers: operator, data: { lotId, plate: plate() } });
	expect(res.status(), await res.text()).toBe(201);
	return (await res.json()) as { id: string; plate: string };
}

test('a payment’s confirmation is queued with it and waits, marked "SMS not configured", for admins to see', async ({ request }) => {
	const s = await activeSession(request);
	const paid = await request.post(`/api/v1/sessions/${s.id}/payments`, { headers: operator, data: { amountPaise: 5000, method: 'upi', phone: '098123 45678' } });
	expect(paid.status(), await paid.text()).toBe(201);
	const paymentId = (await paid.json()).id;
	let item: { to: string; status: string; holdReason: string | null; body: string } | undefined;
	await expect
		.poll(async () => {
			const out = await (await request.get('/api/v1/sms/outbox?kind=payment_confirmation&limit=200', { headers: admin })).json();
			expect(out.configured).toBe(false);
			item = out.items.find((m: { ref: string }) => m.ref === `payment:${paymentId}`);
			return item?.holdReason;
		}, { timeout: 15_000 })
		.toBe('SMS not configured');
	expect(item).toMatchObject({ status: 'pending', to: '+91••••••5678', body: expect.stringContaining(`₹50.00 received for ${s.plate}`) });
	expect((await request.get('/api/v1/sms/outbox', { headers: operator })).status()).toBe(403);
	const page = await request.get('/admin/sms', { headers: { ...admin, accept: 'text/html' } });
	expect(page.status()).toBe(200);
	const html = await page.text();
	expect(html).toContain('SMS not configured: messages wait in the outbox');
	expect(html).toContain(`₹50.00 received for ${s.plate}`);
});

test('bad numbers are refused with the payment: not a number, and a national number in a lot without a phone country', async ({ request }) => {
	const s = await activeSession(request);
	const bad = await request.post(`/api/v1/sessions/${s.id}/payments`, { headers: operator, data: { amountPaise: 100, method: 'cash', phone: 'my number' } });
	expect(bad.status()).toBe(422);
	expect((await bad.json()).error.fields.phone).toBe('That is not a phone number.');
	const lot = await request.post('/api/v1/lots', { headers: admin, data: { name: 'Generic Lot', country: 'generic', capacity: { car: 10 } } });
	const generic = await request.post('/api/v1/sessions', { headers: operator, data: { lotId: (await lot.json()).id, plate: plate() } });
	const national = await request.post(`/api/v1/sessions/${(await generic.json()).id}/payments`, { headers: operator, data: { amountPaise: 100, method: 'cash', phone: '98123 45678' } });
	expect(national.status()).toBe(422);
	expect((await national.json()).error.fields.phone).toMatch(/country code/);
});

test('webhooks without a valid signature are refused: 403 in the JSON error shape', async ({ request }) => {
	const form = { MessageSid: `SM${'a'.repeat(32)}`, MessageStatus: 'delivered' };
	for (const headers of [{}, { 'x-twilio-signature': 'forged=' }] as Record<string, string>[]) {
		const status = await request.post('/api/v1/webhooks/twilio/status', { headers, form });
		expect(status.status()).toBe(403);
		expect((await status.json()).error.code).toBe('invalid_signature');
		const inbound = await request.post('/api/v1/webhooks/twilio/inbound', { headers, form: { From: '+919812345678', Body: 'STOP' } });
		expect(inbound.status()).toBe(403);
	}
});

test('templates: an unknown placeholder is refused when saved; a good one is used and can be reset', async ({ request }) => {
	const refused = await request.put('/api/v1/sms/templates/payment_confirmation', { headers: admin, data: { body: 'Paid {amount} at {parking_lot}' } });
	expect(refused.status()).toBe(422);
	expect((await refused.json()).error).toMatchObject({ code: 'invalid_template', message: expect.stringContaining('{parking_lot}') });
	const saved = await request.put('/api/v1/sms/templates/long_stay', { headers: admin, data: { body: '{plate} in {lot} for {hours} h' } });
	expect(saved.status()).toBe(200);
	expect(await saved.json()).toMatchObject({ kind: 'long_stay', isDefault: false, segments: 1 });
	const list = await (await request.get('/api/v1/sms/templates', { headers: admin })).json();
	expect(list.items.find((t: { kind: string }) => t.kind === 'long_stay').body).toBe('{plate} in {lot} for {hours} h');
	expect((await (await request.delete('/api/v1/sms/templates/long_stay', { headers: admin })).json()).isDefault).toBe(true);
	expect((await request.put('/api/v1/sms/templates/no_such_kind', { headers: admin, data: { body: 'x' } })).status()).toBe(404);
});
