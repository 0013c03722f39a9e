/**
 * Reviewing anomalies: the evidence side by side (the exit read and its photo next to the entry
 * session's read and photo), and the one fix a misread needs — merging the misread exit into the
 * entry session it belongs to (the session ends at the exit's time, with the read kept), then
 * resolving the anomaly with a note. Both in one transaction, through the session rules.
 */
import { z } from 'zod';
import { recordAudit } from '../audit/audit.repo.ts';
import type { Database, Executor } from '../db/database.ts';
import { within } from '../db/within.ts';
import { IMAGE_LINK_SECONDS } from '../gates/captures.ts';
import type { CaptureRow } from '../gates/captures.repo.ts';
import { AppError, notFound } from '../http/errors.ts';
import { findAnomaly, type AnomalyRow } from '../parking/anomalies.repo.ts';
import { reviewAnomaly } from '../parking/anomalies.ts';
import { findSession, type SessionRow } from '../parking/sessions.repo.ts';
import { endSession, type ParkingSettings } from '../parking/sessions.ts';
import type { ImageStore } from '../storage/storage.ts';
import { captureById, captureTakenAt } from './review.repo.ts';

export interface EvidenceSide {
	label: string;
	plate: string | null;
	confidence: number | null;
	at: number | null;
	gateId: string | null;
	imageUrl: string | null;
	sessionId: string | null;
}

export interface AnomalyEvidence {
	anomaly: AnomalyRow;
	/** what was seen (the read that raised it) */
	seen: EvidenceSide;
	/** what it is compared with (the entry session it may belong to), when there is one */
	related: EvidenceSide | null;
	/** whether "merge into the entry session" applies */
	mergeable: boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const numOrNull = (v: unknown) => (typeof v === 'number' ? v : null);

async function photo(images: ImageStore, c: CaptureRow | undefined): Promise<string | null> {
	return c?.imageKey ? images.presignGet(c.imageKey, IMAGE_LINK_SECONDS) : null;
}

/** The anomaly with both sides of its evidence, photos as short-lived links. @throws {AppError} 404 */
export async function anomalyEvidence(db: Database, images: ImageStore, id: string): Promise<AnomalyEvidence> {
	const { anomaly, seenCapture, related, relatedCapture } = await db.run(async (x) => {
		const anomaly = await findAnomaly(x, id);
		if (!anomaly) throw notFound('The anomaly');
		const ev = anomaly.evidence;
		const gateId = str(ev.gateId);
		const captureId = str(ev.captureId);
		const seenCapture = captureId ? await captureById(x, captureId) : gateId ? await captureTakenAt(x, gateId, anomaly.detectedAt) : undefined;
		const relatedId = anomaly.relatedSessionId ?? anomaly.sessionId;
		const related = relatedId ? await findSession(x, relatedId) : undefined;
		const relatedCapture = related?.entryGateId ? await captureTakenAt(x, related.entryGateId, related.entryAt) : undefined;
		return { anomaly, seenCapture, related, relatedCapture };
	});
	const ev = anomaly.evidence;
	return {
		anomaly,
		seen: {
			label: 'Seen',
			plate: str(ev.read) ?? seenCapture?.plate ?? anomaly.plate,
			confidence: numOrNull(ev.confidence) ?? seenCapture?.confidence ?? null,
			at: anomaly.detectedAt,
			gateId: str(ev.gateId),
			imageUrl: await photo(images, seenCapture),
			sessionId: anomaly.sessionId
		},
		related: related
			? {
					label: anomaly.relatedSessionId ? 'Entry it may belong to' : 'Session',
					plate: related.plate,
					confidence: related.entryConfidence,
					at: related.entryAt,
					gateId: related.entryGateId,
					imageUrl: await photo(images, relatedCapture),
					sessionId: related.id
				}
			: null,
		mergeable: mergeTarget(anomaly, related) !== null
	};
}

function mergeTarget(anomaly: AnomalyRow, related: SessionRow | undefined): SessionRow | null {
	if (anomaly.status === 'resolved' || !related || related.status !== 'active') return null;
	if (anomaly.kind !== 'plate-mismatch' && anomaly.kind !== 'exit-without-entry') return null;
	return related.lotId === anomaly.lotId && anomaly.detectedAt >= related.entryAt ? related : null;
}

export const mergeSchema = z.strictObject({
	/** the entry session (default: the one the anomaly links) */
	sessionId: z.string().trim().min(1).max(64).optional(),
	note: z.string().trim().min(3, 'Say what you checked (it goes in the audit log).').max(1000)
});

/**
 * Merges a misread exit into its entry session: the session ends at the anomaly's time with the
 * exit read kept (the fee as the plan says), and the anomaly is resolved with the note.
 * @throws {AppError} 404; 409 `not_mergeable` (resolved already, not an exit misread, or the
 *   session no longer parked); the session rules' errors
 */
export async function mergeMisreadExit(db: Database, settings: ParkingSettings, id: string, input: z.output<typeof mergeSchema>, actorUserId: string, now: number): Promise<{ session: SessionRow; anomaly: AnomalyRow }> {
	return db.transaction(async (x: Executor) => {
		const anomaly = await findAnomaly(x, id);
		if (!anomaly) throw notFound('The anomaly');
		const sessionId = input.sessionId ?? anomaly.relatedSessionId;
		const related = sessionId ? await findSession(x, sessionId) : undefined;
		const target = mergeTarget(anomaly, related);
		if (!target) throw new AppError(409, 'not_mergeable', 'This anomaly has no parked entry session to merge its exit into (resolved already, or the car left).');
		const inner = within(x);
		const ev = anomaly.evidence;
		const session = await endSession(inner, target.id, { at: anomaly.detectedAt, gateId: str(ev.gateId) ?? undefined, plateRead: str(ev.read) ?? anomaly.plate ?? undefined }, { userId: actorUserId }, settings);
		const resolved = await reviewAnomaly(inner, id, { status: 'resolved', note: input.note }, actorUserId, now);
		await recordAudit(x, { at: now, actorUserId, action: 'anomaly.merge', entity: 'anomaly', entityId: id, details: { sessionId: target.id, read: str(ev.read), plate: target.plate } });
		return { session, anomaly: resolved };
	});
}
