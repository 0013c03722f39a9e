/**
 * Twilio's webhooks through their routes: the signature is checked first (forged or missing → 403,
 * also when SMS is not configured), then the status or the STOP/START is applied. Both engines.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { POST as inboundPOST } from '../../../routes/api/v1/webhooks/twilio/inbound/+server.ts';
import { POST as statusPOST } from '../../../routes/api/v1/webhooks/twilio/status/+server.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { findOutbox } from './outbox.repo.ts';
import { insertOutbox, outboxRow } from './testing.ts';
import { isOptedOut } from './templates.repo.ts';

const TOKEN = 'webhook-test-token';
const STATUS_URL = 'https://parking.example.com/api/v1/webhooks/twilio/status';
const INBOUND_URL = 'https://parking.example.com/api/v1/webhooks/twilio/inbound';
const T0 = Date.UTC(2026, 10, 2, 4, 0);
const sid = () => `SM${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

/** A route's POST, called with a hand-made event (the route id differs by route). */
type Handler = (event: never) => Response | Promise<Response>;

describe.each(ENGINES)('Twilio webhooks on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;

	/** Calls a route as kit would, signed with `signWith` (null: no signature header). */
	async function call(handler: Handler, url: string, params: Record<string, string>, signWith: string | null, opts: { configured?: boolean; contentType?: string } = {}) {
		const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded' };
		if (signWith !== null) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(signWith, url, params);
		const request = new Request(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
		const locals = { db: tdb.db, config: { twilio: opts.configured === false ? undefined : { authToken: TOKEN } } };
		return handler({ request, url: new URL(url), locals, route: { id: new URL(url).pathname } } as never);
	}
	const row = async (id: string) => (await tdb.db.run((x) => findOutbox(x, id)))!;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('a valid callback updates the status; a late one does not move it back', async () => {
		const s = sid();
		const m = outboxRow(T0, { status: 'accepted', twilioSid: s, twilioStatus: 'queued' });
		await tdb.db.run((x) => insertOutbox(x, m));
		const res = await call(statusPOST, `${STATUS_URL}?m=${m.id}`, { MessageSid: s, MessageStatus: 'delivered', AccountSid: 'AC0' }, TOKEN);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ id: m.id, status: 'delivered' });
		await call(statusPOST, `${STATUS_URL}?m=${m.id}`, { MessageSid: s, MessageStatus: 'sent' }, TOKEN);
		expect(await row(m.id)).toMatchObject({ twilioStatus: 'delivered' });
	});

	test.skipIf(skip)('undelivered keeps Twilio’s error code', async () => {
		const s = sid();
		const m = outboxRow(T0, { status: 'accepted', twilioSid: s, twilioStatus: 'sent' });
		await tdb.db.run((x) => insertOutbox(x, m));
		await call(statusPOST, STATUS_URL, { MessageSid: s, MessageStatus: 'undelivered', ErrorCode: '30003' }, TOKEN);
		expect(await row(m.id)).toMatchObject({ twilioStatus: 'undelivered', errorCode: 30003 });
	});

	test.skipIf(skip)('forged, missing or wrongly keyed signatures are refused with 403 and change nothing; so is every callback without Twilio configured', async () => {
		const s = sid();
		const m = outboxRow(T0, { status: 'accepted', twilioSid: s, twilioStatus: 'queued' });
		await tdb.db.run((x) => insertOutbox(x, m));
		const params = { MessageSid: s, MessageStatus: 'failed' };
		for (const res of [
			await call(statusPOST, STATUS_URL, params, 'someone-elses-token'),
			await call(statusPOST, STATUS_URL, params, null),
			await call(statusPOST, STATUS_URL, params, TOKEN, { configured: false })
		]) {
			expect(res.status).toBe(403);
			expect(await res.json()).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
		}
		// signed for one URL, replayed at another
		const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${STATUS_URL}?m=other`, params) };
		const replay = await statusPOST({ request: new Request(STATUS_URL, { method: 'POST', headers, body: new URLSearchParams(params).toString() }), url: new URL(STATUS_URL), locals: { db: tdb.db, config: { twilio: { authToken: TOKEN } } }, route: { id: null } } as never);
		expect(replay.status).toBe(403);
		expect(await row(m.id)).toMatchObject({ twilioStatus: 'queued' });
	});

	test.skipIf(skip)('a callback for a SID SPMS never sent is a 404 (bad input), and changes nothing', async () => {
		const res = await call(statusPOST, `${STATUS_URL}?m=nosuchmessage`, { MessageSid: sid(), MessageStatus: 'delivered' }, TOKEN);
		expect(res.status).toBe(404);
		expect((await res.json()).error.code).toBe('not_found');
		const malformed = await call(statusPOST, STATUS_URL, { MessageSid: 'not-a-sid', MessageStatus: 'delivered' }, TOKEN);
		expect(malformed.status).toBe(422);
		expect((await call(statusPOST, STATUS_URL, { MessageSid: sid(), MessageStatus: 'sent' }, TOKEN, { contentType: 'application/json' })).status).toBe(415);
	});

	test.skipIf(skip)('a callback for a message whose send answer was lost records its SID (so it is not sent again)', async () => {
		const m = outboxRow(T0, { status: 'pending', attempts: 1, ambiguousSince: T0, holdReason: 'retrying' });
		await tdb.db.run((x) => insertOutbox(x, m));
		const s = sid();
		expect((await call(statusPOST, `${STATUS_URL}?m=${m.id}`, { MessageSid: s, MessageStatus: 'sent' }, TOKEN)).status).toBe(200);
		expect(await row(m.id)).toMatchObject({ status: 'accepted', twilioSid: s, twilioStatus: 'sent', holdReason: null });
	});

	test.skipIf(skip)('inbound STOP opts the number out and START back in, answering empty TwiML; unsigned inbound is refused', async () => {
		const from = '+919866666666';
		const stop = await call(inboundPOST, INBOUND_URL, { From: from, Body: 'STOP', MessageSid: sid() }, TOKEN);
		expect(stop.status).toBe(200);
		expect(stop.headers.get('content-type')).toBe('text/xml');
		expect(await stop.text()).toContain('<Response></Response>');
		expect(await tdb.db.run((x) => isOptedOut(x, from))).toBe(true);
		expect((await call(inboundPOST, INBOUND_URL, { From: from, Body: 'START' }, 'forged')).status).toBe(403);
		expect(await tdb.db.run((x) => isOptedOut(x, from))).toBe(true);
		await call(inboundPOST, INBOUND_URL, { From: from, Body: 'START' }, TOKEN);
		expect(await tdb.db.run((x) => isOptedOut(x, from))).toBe(false);
	});
});
