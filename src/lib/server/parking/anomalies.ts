/**
 * Anomalies: facts a person should look at, each with its evidence, recorded once per fact
 * (the rule's de-duplication key) and reviewed open → acknowledged → resolved with a note.
 */
import { z } from 'zod';
import { anomalyKey, type AnomalyKeyInput } from '../../parking/index.ts';
import { newId } from '../../id.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import type { Database, Executor } from '../db/database.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { findAnomaly, listAnomalies, updateAnomaly, upsertAnomaly, type AnomalyFilter, type AnomalyRow } from './anomalies.repo.ts';
import { appendEvent } from './events.repo.ts';

export type Anomaly = AnomalyRow;

export interface RaiseAnomaly {
	key: AnomalyKeyInput;
	lotId: string;
	plate?: string | null;
	sessionId?: string | null;
	relatedSessionId?: string | null;
	evidence: Record<string, unknown>;
	at: number;
}

/** Records an anomaly (or another occurrence of it) inside the caller's transaction. */
export async function raiseAnomaly(x: Executor, a: RaiseAnomaly): Promise<void> {
	const dedupKey = anomalyKey(a.key);
	await upsertAnomaly(x, {
		id: newId(),
		lotId: a.lotId,
		kind: a.key.kind,
		dedupKey,
		plate: a.plate ?? null,
		sessionId: a.sessionId ?? null,
		relatedSessionId: a.relatedSessionId ?? null,
		evidence: a.evidence,
		occurrences: 1,
		lastSeenAt: a.at,
		status: 'open',
		note: null,
		detectedAt: a.at,
		reviewedBy: null,
		reviewedAt: null
	});
	await appendEvent(x, { lotId: a.lotId, type: 'anomaly', payload: { kind: a.key.kind, plate: a.plate ?? null, dedupKey }, at: a.at });
}

export async function anomalies(db: Database, filter: AnomalyFilter, limit = 50, offset = 0) {
	return db.run((x) => listAnomalies(x, filter, limit, offset));
}

export async function getAnomaly(db: Database, id: string): Promise<Anomaly> {
	const row = await db.run((x) => findAnomaly(x, id));
	if (!row) throw notFound('The anomaly');
	return row;
}

export const reviewSchema = z.strictObject({
	status: z.enum(['acknowledged', 'resolved']),
	note: z.string().trim().max(1000).optional()
});

/**
 * Moves an anomaly forward in review. Resolving needs a note; a resolved anomaly stays resolved.
 * @throws {AppError} 404, 409 `already_resolved`, 422 `note_required`
 */
export async function reviewAnomaly(db: Database, id: string, input: z.output<typeof reviewSchema>, actorUserId: string, now: number): Promise<Anomaly> {
	return db.transaction(async (x) => {
		const row = await findAnomaly(x, id);
		if (!row) throw notFound('The anomaly');
		if (row.status === 'resolved') throw conflict('already_resolved', 'This anomaly is resolved already.');
		if (input.status === 'resolved' && !input.note) {
			throw new AppError(422, 'note_required', 'Say how it was resolved.', { note: 'A note is needed to resolve.' });
		}
		const patch = { status: input.status, note: input.note ?? row.note, reviewedBy: actorUserId, reviewedAt: now };
		await updateAnomaly(x, id, patch);
		await recordAudit(x, { at: now, actorUserId, action: `anomaly.${input.status}`, entity: 'anomaly', entityId: id, details: { note: input.note } });
		return { ...row, ...patch };
	});
}
