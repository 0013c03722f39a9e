/**
 * Putting messages in the outbox. `enqueueSms` runs inside the transaction of the event that
 * causes the message (it takes that transaction's executor), so the message exists if and only
 * if the event committed. It never fails the event for the message's sake: a recipient without a
 * usable number is skipped (and logged), an opted-out one gets a cancelled row admins can see.
 */
import { renderTemplate, SMS_KIND_SPECS, countSegments, parseE164, maskPhone, type SmsKind } from '../../parking/sms/index.ts';
import { newId } from '../../id.ts';
import type { Database, Executor } from '../db/database.ts';
import { log } from '../log.ts';
import { countOutboxByStatus, insertOutbox, listOutbox, type OutboxFilter, type OutboxRow } from './outbox.repo.ts';
import { templateText } from './templates.ts';
import { isOptedOut } from './templates.repo.ts';

export type OutboxMessage = OutboxRow;

export interface EnqueueInput {
	kind: SmsKind;
	/** E.164, as stored */
	to: string;
	lotId: string | null;
	values: Record<string, string>;
	/** one message per key, however often the cause repeats */
	dedupKey: string;
	ref: string | null;
	now: number;
}

/**
 * Adds a message to the outbox in the caller's transaction.
 * @returns the row added, or null when the key was used already or the number is unusable
 */
export async function enqueueSms(x: Executor, input: EnqueueInput): Promise<OutboxMessage | null> {
	const to = parseE164(input.to);
	if (!to.ok) {
		log('warn', 'sms recipient skipped: stored number is not E.164', { kind: input.kind, ref: input.ref });
		return null;
	}
	const spec = SMS_KIND_SPECS[input.kind];
	const body = renderTemplate(await templateText(x, input.kind), spec.placeholders, input.values);
	const optedOut = await isOptedOut(x, to.value);
	const row: OutboxMessage = {
		id: newId(),
		kind: input.kind,
		lotId: input.lotId,
		toPhone: to.value,
		body,
		segments: countSegments(body).segments,
		priority: spec.urgent ? 'urgent' : 'normal',
		dedupKey: input.dedupKey,
		ref: input.ref,
		status: optedOut ? 'cancelled' : 'pending',
		holdReason: optedOut ? 'opted out (STOP)' : null,
		attempts: 0,
		nextAttemptAt: input.now,
		claimedBy: null,
		claimUntil: null,
		ambiguousSince: null,
		twilioSid: null,
		twilioStatus: null,
		errorCode: null,
		lastError: null,
		createdAt: input.now,
		updatedAt: input.now,
		acceptedAt: null
	};
	const added = await insertOutbox(x, row);
	if (added) log('debug', 'sms queued', { kind: row.kind, to: maskPhone(row.toPhone), ref: row.ref });
	return added ? row : null;
}

/** The outbox for admins, newest first, with counts by status. */
export async function outboxPage(db: Database, filter: OutboxFilter, limit = 50, offset = 0): Promise<{ rows: OutboxMessage[]; counts: Record<string, number> }> {
	return db.run(async (x) => ({ rows: await listOutbox(x, filter, limit, offset), counts: await countOutboxByStatus(x) }));
}
