/**
 * Resolving a held capture: the operator looks at the photo, corrects the plate if the camera
 * misread it, takes the payment if one is due, and lets the car through. Each step uses the
 * session rules (one active session per plate; fees at exit), and the barrier opens by an
 * audited command tied to the capture, so a capture is resolved once.
 */
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { findGate } from '../parking/lots.repo.ts';
import { findActiveSession, findSession } from '../parking/sessions.repo.ts';
import { exitByPlate, plateInputSchema, startSession, type ParkingSettings } from '../parking/sessions.ts';
import { findCaptureById, listCaptures, updateCapture, type CaptureFilter, type CaptureRow } from './captures.repo.ts';
import { issueCommand, type CommandView } from './commands.ts';
import { findCommandForCapture } from './commands.repo.ts';

export const resolveSchema = z.strictObject({
	/** the plate as the operator reads it on the photo (default: the camera's read) */
	plate: plateInputSchema.optional(),
	reason: z.string().trim().min(3, 'Say what you checked (it goes in the audit log).').max(500)
});
export type ResolveInput = z.output<typeof resolveSchema>;

export const captureListQuery = z.object({
	decision: z.enum(['open', 'deny', 'hold']).optional(),
	unresolved: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
	limit: z.coerce.number().int().min(1).max(200).default(50)
});

export interface Resolution {
	command: CommandView;
	session_id: string | null;
	plate: string;
}

/** A gate's recent captures (e.g. `decision=hold&unresolved=true`: the cars waiting for a person). */
export async function gateCaptures(db: Database, gateId: string, filter: CaptureFilter, limit: number): Promise<CaptureRow[]> {
	return db.run((x) => listCaptures(x, gateId, filter, limit));
}

/**
 * Lets the car of a held (or denied) capture through: at an entry a session is started with the
 * corrected plate; at an exit the stay is ended and must be paid (or free, or under a permit).
 * @throws {AppError} 404; 409 `already_resolved`, `already_parked`, `payment_due` (with the amount
 *   in `fields`), `plate_mismatch`, `no_entry`; 422 `plate_required`
 */
export async function resolveHold(db: Database, settings: ParkingSettings, gateId: string, captureId: string, input: ResolveInput, actorUserId: string, now: number): Promise<Resolution> {
	const { capture, gate } = await db.run(async (x) => {
		const capture = await findCaptureById(x, captureId);
		if (!capture || capture.gateId !== gateId || capture.status !== 'done') throw notFound('The capture');
		if (await findCommandForCapture(x, captureId)) throw conflict('already_resolved', 'This capture was resolved already.');
		return { capture, gate: (await findGate(x, gateId))! };
	});
	if (capture.decision === 'open') throw conflict('already_resolved', 'The barrier opened for this capture.');
	const plate = input.plate ?? capture.plate;
	if (!plate) throw new AppError(422, 'plate_required', 'No plate was read: give the plate on the photo.', { plate: 'the plate on the photo' });
	const actor = { userId: actorUserId };
	const open = async (sessionId: string | null) => {
		await db.run((x) => updateCapture(x, capture.id, { plate, sessionId, updatedAt: now }));
		const command = await issueCommand(db, gateId, { command: 'open', reason: input.reason, captureId }, actorUserId, now);
		return { command, session_id: sessionId, plate };
	};
	const inside = await db.run((x) => findActiveSession(x, gate.lotId, plate));
	const direction = gate.direction === 'both' ? (inside || capture.sessionId ? 'exit' : 'entry') : gate.direction;

	if (direction === 'entry') {
		// startSession refuses a plate already inside (409 already_parked)
		const { session } = await startSession(db, { lotId: gate.lotId, plate, at: capture.capturedAt, gateId, confidence: 1 }, actor, settings);
		return open(session.id);
	}
	// an exit held for payment, or already settled through a first resolve attempt
	const held = capture.sessionId ? await db.run((x) => findSession(x, capture.sessionId!)) : undefined;
	if (held && held.status === 'completed' && !inside) return paidOrRefused(held, open);
	const out = await exitByPlate(db, { lotId: gate.lotId, plate, at: capture.capturedAt, gateId }, actor, settings);
	if (out.kind === 'mismatch') throw new AppError(409, 'plate_mismatch', `${plate} is not parked; did you mean ${out.candidates.map((c) => c.plate).join(' or ')}?`, { candidates: out.candidates.map((c) => c.plate).join(',') });
	// another operator resolved it a moment ago (ending the session this one looked for)
	if (out.kind === 'no_entry' && (await db.run((x) => findCommandForCapture(x, captureId)))) throw conflict('already_resolved', 'This capture was resolved already.');
	if (out.kind === 'no_entry') throw new AppError(409, 'no_entry', `${plate} has no session in this lot: open by hand with a reason if it should leave.`);
	await db.run((x) => updateCapture(x, capture.id, { plate, sessionId: out.session.id, updatedAt: now }));
	return paidOrRefused(out.session, open);
}

async function paidOrRefused(session: { id: string; feePaise: number | null; paidPaise: number }, open: (sessionId: string) => Promise<Resolution>): Promise<Resolution> {
	const due = Math.max(0, (session.feePaise ?? 0) - session.paidPaise);
	if (due > 0) throw new AppError(409, 'payment_due', `${due} paise are due on session ${session.id}: take the payment, then resolve again.`, { sessionId: session.id, amountDuePaise: String(due) });
	return open(session.id);
}
