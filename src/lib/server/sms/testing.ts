/** Test support for the SMS suites (test-only): outbox rows made directly. */
import { newId } from '../../id.ts';
import type { Executor } from '../db/database.ts';
import { insertOutbox, type OutboxRow } from './outbox.repo.ts';

/** A pending outbox row, due at `now`. */
export function outboxRow(now: number, patch: Partial<OutboxRow> = {}): OutboxRow {
	const id = newId();
	return {
		id,
		kind: 'payment_confirmation',
		lotId: null,
		toPhone: '+919812345678',
		body: `Test message ${id}`,
		segments: 1,
		priority: 'urgent',
		dedupKey: `test:${id}`,
		ref: null,
		status: 'pending',
		holdReason: null,
		attempts: 0,
		nextAttemptAt: now,
		claimedBy: null,
		claimUntil: null,
		ambiguousSince: null,
		twilioSid: null,
		twilioStatus: null,
		errorCode: null,
		lastError: null,
		createdAt: now,
		updatedAt: now,
		acceptedAt: null,
		...patch
	};
}

/** Inserts rows, 500 a statement. */
export async function fillOutbox(x: Executor, rows: OutboxRow[]): Promise<void> {
	for (let i = 0; i < rows.length; i += 500) await x.q.insert(x.t.smsOutbox).values(rows.slice(i, i + 500));
}

export { insertOutbox };
