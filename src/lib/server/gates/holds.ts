/**
 * Resolving a held capture: the operator looks at the photo, corrects the plate if the camera
 * misread it, takes the payment if one is due, and lets the car through. Each step uses the
 * session rules (one active session per plate; fees at exit), and the barrier opens by an
 * audited command tied to the capture, so a capture is resolved once.
 */
import { z } from 'zod';
import type { Database, Executor } from '../db/database.ts';
import { within } from '../db/within.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { findGate } from '../parking/lots.repo.ts';
import { findActiveSession, findSession, type SessionRow } from '../parking/sessions.repo.ts';
import { exitByPlate, plateInputSchema, startSession, type ParkingSettings } from '../parking/sessions.ts';
import { findCaptureForUpdate, listCaptures, updateCapture, type CaptureFilter, type CaptureRow } from './captures.repo.ts';
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
	// Settled in one transaction that starts by locking the capture: operators racing on one hold
	// take turns, and each one after the first finds what the first did (the session it started
	// or ended, linked to the capture) instead of trying again — which would find the plate
	// inside already (a duplicate entry) or gone (an exit without entry) and raise an anomaly.
	// A refusal is returned rather than thrown, so what the attempt recorded (a plate-mismatch
	// anomaly, say) is kept, as it was when these were separate transactions.
	const settled = await db.transaction((x) => settle(within(x), x, settings, gateId, captureId, input, actorUserId, now));
	if ('refused' in settled) throw settled.refused;
	const { session, plate } = settled;
	const due = Math.max(0, (session.feePaise ?? 0) - session.paidPaise);
	if (due > 0) throw new AppError(409, 'payment_due', `${due} paise are due on session ${session.id}: take the payment, then resolve again.`, { sessionId: session.id, amountDuePaise: String(due) });
	// the command is issued after the commit (it wakes the gate's long poll); a capture gets one
	// command at most, so of operators racing here one issues it and the others are told so
	const command = await issueCommand(db, gateId, { command: 'open', reason: input.reason, captureId }, actorUserId, now);
	return { command, session_id: session.id, plate };
}

type Refused = { refused: AppError };
type Settled = { session: Pick<SessionRow, 'id' | 'feePaise' | 'paidPaise'>; plate: string } | Refused;

async function settle(db: Database, x: Executor, settings: ParkingSettings, gateId: string, captureId: string, input: ResolveInput, actorUserId: string, now: number): Promise<Settled> {
	const capture = await findCaptureForUpdate(x, captureId);
	if (!capture || capture.gateId !== gateId || capture.status !== 'done') throw notFound('The capture');
	if (await findCommandForCapture(x, captureId)) throw conflict('already_resolved', 'This capture was resolved already.');
	if (capture.decision === 'open') throw conflict('already_resolved', 'The barrier opened for this capture.');
	const gate = (await findGate(x, gateId))!;
	const plate = input.plate ?? capture.plate;
	if (!plate) throw new AppError(422, 'plate_required', 'No plate was read: give the plate on the photo.', { plate: 'the plate on the photo' });
	const actor = { userId: actorUserId };
	const link = async (session: SessionRow) => {
		await updateCapture(x, capture.id, { plate, sessionId: session.id, updatedAt: now });
		return { session, plate };
	};
	const refused = (error: unknown): Refused => {
		if (error instanceof AppError) return { refused: error };
		throw error;
	};
	// what a resolve attempt before this one settled (its command failed, or it won a race)
	const linked = capture.sessionId ? await findSession(x, capture.sessionId) : undefined;
	const inside = await findActiveSession(x, gate.lotId, plate);
	const direction = gate.direction === 'both' ? (inside || capture.sessionId ? 'exit' : 'entry') : gate.direction;

	if (direction === 'entry') {
		// the session an earlier attempt started for this capture: at its time, at this gate
		if (linked && linked.status === 'active' && linked.plate === plate && linked.entryAt === capture.capturedAt && linked.entryGateId === gateId) return { session: linked, plate };
		// startSession refuses a plate already inside (409 already_parked)
		return startSession(db, { lotId: gate.lotId, plate, at: capture.capturedAt, gateId, confidence: 1 }, actor, settings).then(({ session }) => link(session), refused);
	}
	// an exit held for payment, or already settled through an earlier attempt
	if (linked && linked.status === 'completed' && !inside) return { session: linked, plate };
	const out = await exitByPlate(db, { lotId: gate.lotId, plate, at: capture.capturedAt, gateId }, actor, settings).catch(refused);
	if ('refused' in out) return out;
	if (out.kind === 'mismatch') return { refused: new AppError(409, 'plate_mismatch', `${plate} is not parked; did you mean ${out.candidates.map((c) => c.plate).join(' or ')}?`, { candidates: out.candidates.map((c) => c.plate).join(',') }) };
	if (out.kind === 'no_entry') return { refused: new AppError(409, 'no_entry', `${plate} has no session in this lot: open by hand with a reason if it should leave.`) };
	return link(out.session);
}
