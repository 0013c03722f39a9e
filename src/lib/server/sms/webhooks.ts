/**
 * Twilio's webhooks: delivery status callbacks and inbound messages (STOP / START). Both are
 * form posts signed with `X-Twilio-Signature`; a request without a valid one is refused before
 * anything is read from it into the database.
 */
import { advanceStatus, keywordOf, maskPhone, parseE164 } from '../../parking/sms/index.ts';
import type { Database } from '../db/database.ts';
import { readBounded } from '../http/body.ts';
import { AppError, notFound } from '../http/errors.ts';
import { log } from '../log.ts';
import { findOutbox, findOutboxBySid, updateOutbox } from './outbox.repo.ts';
import { addOptOut, removeOptOut } from './templates.repo.ts';
import { isValidTwilioSignature } from './twilio-client.ts';

const FORM_LIMIT = 16 * 1024;

/**
 * Reads a Twilio webhook's form and checks its signature against `url` (the URL Twilio called).
 * @throws {AppError} 403 `invalid_signature` (also when SMS is not configured: nothing can be checked), 415, 413
 */
export async function readSignedForm(request: Request, url: string, authToken: string | undefined): Promise<Record<string, string>> {
	if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
		throw new AppError(415, 'unsupported_media_type', 'Twilio webhooks are application/x-www-form-urlencoded.');
	}
	const raw = await readBounded(request, FORM_LIMIT, () => new AppError(413, 'payload_too_large', 'The body is larger than 16 KB.'));
	const params: Record<string, string> = {};
	for (const [k, v] of new URLSearchParams(new TextDecoder().decode(raw))) params[k] = v;
	if (!authToken || !isValidTwilioSignature(authToken, request.headers.get('x-twilio-signature'), url, params)) {
		throw new AppError(403, 'invalid_signature', 'The request is not signed by Twilio.');
	}
	return params;
}

export interface StatusUpdate {
	sid: string;
	status: string;
	errorCode: number | null;
	/** our outbox id, from the callback URL's `m` (set when the message was sent) */
	outboxId: string | null;
}

/**
 * Applies a delivery status callback. Statuses only move forward (callbacks arrive out of order).
 * A callback for a message whose send answer was lost finds it by the outbox id in its URL and
 * records the SID, so the sender won't send it again.
 * @throws {AppError} 404 `not_found` for a SID (and id) SPMS never sent, 422 for a malformed body
 */
export async function applyStatus(db: Database, update: StatusUpdate, now: number): Promise<{ id: string; twilioStatus: string | null }> {
	if (!/^(SM|MM)[0-9a-fA-F]{32}$/.test(update.sid) || !update.status) {
		throw new AppError(422, 'validation_failed', 'A status callback names MessageSid and MessageStatus.', { MessageSid: 'SM followed by 32 hex digits' });
	}
	return db.transaction(async (x) => {
		let row = await findOutboxBySid(x, update.sid);
		if (!row && update.outboxId) {
			const byId = await findOutbox(x, update.outboxId);
			if (byId && byId.twilioSid === null && byId.status !== 'cancelled') {
				row = byId;
				await updateOutbox(x, row.id, { twilioSid: update.sid, status: 'accepted', acceptedAt: now, claimedBy: null, claimUntil: null, holdReason: null });
				log('info', 'sms SID learnt from a status callback', { id: row.id, sid: update.sid });
			}
		}
		if (!row) {
			log('warn', 'status callback for an unknown message', { sid: update.sid });
			throw notFound('The message');
		}
		const twilioStatus = advanceStatus(row.twilioStatus, update.status);
		const failed = twilioStatus === 'failed' || twilioStatus === 'undelivered';
		await updateOutbox(x, row.id, { twilioStatus, updatedAt: now, ...(failed && update.errorCode !== null ? { errorCode: update.errorCode } : {}) });
		return { id: row.id, twilioStatus };
	});
}

/** The status update in a callback's form parameters. */
export function statusFromForm(params: Record<string, string>, outboxId: string | null): StatusUpdate {
	const code = Number(params.ErrorCode);
	return {
		sid: params.MessageSid ?? params.SmsSid ?? '',
		status: params.MessageStatus ?? params.SmsStatus ?? '',
		errorCode: params.ErrorCode && Number.isInteger(code) ? code : null,
		outboxId
	};
}

/**
 * An inbound SMS: STOP (and its synonyms) opts the sender's number out of every message, START
 * opts it back in; anything else is ignored.
 * @returns what was done
 */
export async function applyInbound(db: Database, params: Record<string, string>, now: number): Promise<'opted_out' | 'opted_in' | 'ignored'> {
	const from = parseE164(params.From ?? '');
	const keyword = keywordOf(params.Body ?? '');
	if (!from.ok || !keyword) return 'ignored';
	await db.run((x) => (keyword === 'stop' ? addOptOut(x, { phone: from.value, optedOutAt: now }) : removeOptOut(x, from.value)));
	log('info', `sms ${keyword === 'stop' ? 'opt-out' : 'opt-in'}`, { from: maskPhone(from.value) });
	return keyword === 'stop' ? 'opted_out' : 'opted_in';
}

/** The empty TwiML answer: Twilio's own STOP/START replies go out; SPMS says nothing more. */
export function emptyTwiml(): Response {
	return new Response('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', { headers: { 'content-type': 'text/xml' } });
}
