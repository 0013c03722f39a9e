/**
 * Twilio through its official SDK: send one message, and look for messages already sent (to
 * settle an attempt whose answer was lost). Every failure is sorted into what the sender can do
 * with it: accepted, rejected for good (a 4xx, with Twilio's error code), or worth a retry —
 * and whether Twilio may have the message anyway (the request may have reached it).
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

type RequestOptions<T> = RequestClient.RequestOptions<T>;

export type SendOutcome =
	| { kind: 'accepted'; sid: string; status: string }
	| { kind: 'rejected'; httpStatus: number; code: number | null; message: string }
	| { kind: 'retry'; message: string; code: number | null; httpStatus: number | null; ambiguous: boolean };

export interface SmsGateway {
	readonly from: string;
	/** Sends one message; never throws. */
	send(message: { to: string; body: string; statusCallback?: string; attempt: number }): Promise<SendOutcome>;
	/**
	 * SIDs (and statuses) of messages Twilio has from us to `to` with exactly `body`, created at or
	 * after `since`, newest first.
	 * @throws when Twilio can't be asked (the caller retries later)
	 */
	findSent(query: { to: string; body: string; since: number }): Promise<Array<{ sid: string; status: string }>>;
}

export interface TwilioSettings {
	accountSid: string;
	authToken: string;
	from: string;
	/** another base URL for api.twilio.com (a test mock, a proxy); undefined: Twilio itself */
	apiBaseUrl?: string;
	timeoutMs?: number;
}

/** Errors the request can't have reached Twilio with: the connection was never made. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A RequestClient that sends the SDK's `https://api.twilio.com/…` requests to another base URL. */
class RebasedRequestClient extends twilio.RequestClient {
	readonly #base: string;
	constructor(base: string, timeoutMs: number) {
		super({ timeout: timeoutMs, autoRetry: false, keepAlive: true });
		this.#base = base.replace(/\/$/, '');
	}
	override request<T>(opts: RequestOptions<T>) {
		return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/, this.#base) });
	}
}

/** The gateway for one Twilio account and sender number. */
export function twilioGateway(settings: TwilioSettings): SmsGateway {
	const timeoutMs = settings.timeoutMs ?? 10_000;
	const httpClient = settings.apiBaseUrl ? new RebasedRequestClient(settings.apiBaseUrl, timeoutMs) : new twilio.RequestClient({ timeout: timeoutMs, autoRetry: false, keepAlive: true });
	const client = twilio(settings.accountSid, settings.authToken, { httpClient });
	return {
		from: settings.from,
		async send({ to, body, statusCallback, attempt }) {
			try {
				const m = await client.messages.create({ to, from: settings.from, body, attempt, ...(statusCallback ? { statusCallback } : {}) });
				return { kind: 'accepted', sid: m.sid, status: m.status };
			} catch (error) {
				return classify(error);
			}
		},
		async findSent({ to, body, since }) {
			// Twilio filters DateSent by day: ask from the day before, then look at the exact instant
			const rows = await client.messages.list({ to, from: settings.from, dateSentAfter: new Date(since - 86_400_000), limit: 100 });
			return rows
				.filter((m) => m.body === body && (m.dateCreated ? m.dateCreated.getTime() >= since - 60_000 : true))
				.map((m) => ({ sid: m.sid, status: m.status }));
		}
	};
}

/** Sorts an SDK failure (see the module comment). */
export function classify(error: unknown): SendOutcome {
	const e = error as { status?: unknown; code?: unknown; message?: unknown };
	const message = String(e.message ?? error).slice(0, 300);
	if (typeof e.status === 'number') {
		const code = typeof e.code === 'number' ? e.code : null;
		// throttled: nothing was created
		if (e.status === 429) return { kind: 'retry', message, code, httpStatus: 429, ambiguous: false };
		// Twilio's side failed: it may or may not have taken the message
		if (e.status >= 500) return { kind: 'retry', message, code, httpStatus: e.status, ambiguous: true };
		// our credentials are wrong: every message would fail alike, so wait for a fix instead
		if (e.status === 401) return { kind: 'retry', message: `Twilio refused the credentials: ${message}`, code, httpStatus: 401, ambiguous: false };
		return { kind: 'rejected', httpStatus: e.status, code, message };
	}
	const netCode = typeof e.code === 'string' ? e.code : null;
	return { kind: 'retry', message: netCode ? `${netCode}: ${message}` : message, code: null, httpStatus: null, ambiguous: !(netCode && NOT_SENT_CODES.has(netCode)) };
}

/**
 * Whether a webhook really comes from Twilio: `X-Twilio-Signature` is the HMAC-SHA1 of the URL
 * it called and its sorted form parameters, keyed with the auth token.
 */
export function isValidTwilioSignature(authToken: string, signature: string | null, url: string, params: Record<string, string>): boolean {
	if (!signature) return false;
	return twilio.validateRequest(authToken, signature, url, params);
}
