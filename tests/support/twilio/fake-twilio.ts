/**
 * Test support: the stateful half of the Twilio mock. Prism (see `mock.ts`) sits in front of it
 * in proxy mode and checks every request and answer against Twilio's OpenAPI document; this
 * server keeps the messages (unique SIDs, the list and fetch endpoints filtering like Twilio's)
 * and a ledger of every message it accepted, which is what "delivered exactly once" is counted on.
 * Test-only: nothing in src imports it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMessage {
	sid: string;
	to: string;
	from: string;
	body: string;
	statusCallback: string | null;
	attempt: string | null;
	dateCreated: number;
	status: string;
}

/** Numbers Twilio refuses, the way its test credentials do (+15005550001: invalid number). */
export const INVALID_NUMBER = '+15005550001';

export interface FakeTwilio {
	url: string;
	messages: FakeMessage[];
	close(): Promise<void>;
}

/** Starts the stateful fake on 127.0.0.1 (a free port) for one account. */
export async function startFakeTwilio(accountSid: string, authToken: string): Promise<FakeTwilio> {
	const messages: FakeMessage[] = [];
	const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
	const base = `/2010-04-01/Accounts/${accountSid}`;
	const server: Server = createServer(async (req, res) => {
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		const url = new URL(req.url ?? '/', 'http://fake');
		if (req.headers.authorization !== expectedAuth) return send(401, twilioError(20003, 'Authenticate', 401));
		if (req.method === 'POST' && url.pathname === `${base}/Messages.json`) {
			const form = new URLSearchParams(await readBody(req));
			const to = form.get('To') ?? '';
			if (to === INVALID_NUMBER) return send(400, twilioError(21211, `Invalid 'To' Phone Number: ${to}`, 400));
			const message: FakeMessage = {
				sid: `SM${randomBytes(16).toString('hex')}`,
				to,
				from: form.get('From') ?? '',
				body: form.get('Body') ?? '',
				statusCallback: form.get('StatusCallback'),
				attempt: form.get('Attempt'),
				dateCreated: Date.now(),
				status: 'queued'
			};
			messages.push(message);
			return send(201, messageJson(accountSid, message));
		}
		if (req.method === 'GET' && url.pathname === `${base}/Messages.json`) {
			const to = url.searchParams.get('To');
			const from = url.searchParams.get('From');
			const after = url.searchParams.get('DateSent>');
			const pageSize = Number(url.searchParams.get('PageSize') ?? '50');
			// Twilio's DateSent filters are by day; keep whole days from the one named
			const afterDay = after ? Date.parse(after.slice(0, 10)) : Number.NEGATIVE_INFINITY;
			const found = messages
				.filter((m) => (!to || m.to === to) && (!from || m.from === from) && m.dateCreated >= afterDay)
				.slice(-pageSize)
				.reverse();
			// the document types these as absolute URIs
			const uri = `https://api.twilio.com${base}/Messages.json?${url.searchParams.toString()}`;
			return send(200, { messages: found.map((m) => messageJson(accountSid, m)), end: Math.max(0, found.length - 1), first_page_uri: uri, next_page_uri: null, page: 0, page_size: pageSize, previous_page_uri: null, start: 0, uri });
		}
		const one = new RegExp(`^${base}/Messages/(SM[0-9a-f]{32})\\.json$`).exec(url.pathname);
		if (req.method === 'GET' && one) {
			const m = messages.find((x) => x.sid === one[1]);
			return m ? send(200, messageJson(accountSid, m)) : send(404, twilioError(20404, 'The requested resource was not found', 404));
		}
		send(404, twilioError(20404, 'The requested resource was not found', 404));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		messages,
		close: () => new Promise((r) => server.close(() => r()))
	};
}

function messageJson(accountSid: string, m: FakeMessage) {
	const date = new Date(m.dateCreated).toUTCString().replace('GMT', '+0000');
	return {
		account_sid: accountSid,
		api_version: '2010-04-01',
		body: m.body,
		date_created: date,
		date_sent: null,
		date_updated: date,
		direction: 'outbound-api',
		error_code: null,
		error_message: null,
		from: m.from,
		messaging_service_sid: null,
		num_media: '0',
		num_segments: '1',
		price: null,
		price_unit: 'USD',
		sid: m.sid,
		status: m.status,
		subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
		to: m.to,
		uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`
	};
}

function twilioError(code: number, message: string, status: number) {
	return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}
