import { maskPhone } from '../../parking/sms/index.ts';
import type { OutboxMessage } from './outbox.ts';

/** An outbox row as admins see it: the number masked, the claim internals left out. */
export function outboxView(r: OutboxMessage) {
	return {
		id: r.id,
		kind: r.kind,
		lotId: r.lotId,
		to: maskPhone(r.toPhone),
		body: r.body,
		segments: r.segments,
		priority: r.priority,
		ref: r.ref,
		status: r.status,
		holdReason: r.holdReason,
		attempts: r.attempts,
		nextAttemptAt: r.nextAttemptAt,
		twilioSid: r.twilioSid,
		twilioStatus: r.twilioStatus,
		errorCode: r.errorCode,
		lastError: r.lastError,
		createdAt: r.createdAt,
		acceptedAt: r.acceptedAt
	};
}
export type OutboxView = ReturnType<typeof outboxView>;
