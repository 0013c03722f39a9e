/**
 * Applying what the patrol app recorded, often offline: session starts and ends, observations
 * and violations, each with an id the phone made. Each action is settled in one transaction that
 * first claims its id in `patrol_actions`, then applies its effect (through the session rules, as
 * a savepoint), then stores the outcome: a sync sent twice, retried after a dropped connection or
 * racing itself applies every action once, and the repeat gets the stored outcome back.
 *
 * Outcomes: `applied`; `conflict` (stored: the world changed while the phone was offline, e.g.
 * the session was ended meanwhile — the app shows it, there is nothing to retry); `rejected`
 * (not stored: the action is wrong as sent, or the account may not work in that lot — the app
 * keeps it for a retry or a discard); `retry` (the server could not settle it now).
 */
import { z } from 'zod';
import { VEHICLE_CLASSES } from '../../parking/index.ts';
import { isUniqueViolation, type Database, type Executor } from '../db/database.ts';
import { within } from '../db/within.ts';
import { validationError } from '../http/api.ts';
import { AppError } from '../http/errors.ts';
import { log } from '../log.ts';
import { appendEvent } from '../parking/events.repo.ts';
import { findActiveSession, findSession } from '../parking/sessions.repo.ts';
import { endSession, plateInputSchema, startSession, type ParkingSettings } from '../parking/sessions.ts';
import { findPatrolAction, insertPatrolAction, updatePatrolAction, type PatrolActionRow } from './actions.repo.ts';
import { requireLot, type LotCaller } from './lots-access.ts';

export const PATROL_ACTION_KINDS = ['session.start', 'session.end', 'observation', 'violation'] as const;

export const patrolActionSchema = z.strictObject({
	id: z.string().regex(/^[a-z2-7]{16,32}$/, 'a client-made id (base32, 16–32 characters)'),
	kind: z.enum(PATROL_ACTION_KINDS),
	lotId: z.string().min(1).max(64),
	plate: plateInputSchema,
	/** when it was recorded, by the phone's clock */
	at: z.int().min(0),
	/** session.end: the session the phone's snapshot showed (else the plate's active session) */
	sessionId: z.string().min(1).max(64).optional(),
	vehicleClass: z.enum(VEHICLE_CLASSES).optional(),
	confidence: z.number().min(0).max(1).optional(),
	location: z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180), accuracyM: z.number().min(0).max(100_000).optional() }).optional(),
	/** storage key of the photo uploaded through /api/v1/evidence-uploads */
	evidenceKey: z.string().regex(/^evidence\/[\w-]+\/[\w./-]+$/, 'a key from /api/v1/evidence-uploads').max(300).optional(),
	note: z.string().trim().max(500).optional(),
	/** violation: what is wrong (no permit, overstay, blocking…) */
	reason: z.string().trim().max(200).optional()
});
export type PatrolAction = z.output<typeof patrolActionSchema>;

export const syncRequestSchema = z.strictObject({ actions: z.array(z.unknown()).min(1).max(100) });

export interface SyncOutcome {
	id: string | null;
	status: 'applied' | 'conflict' | 'rejected' | 'retry';
	code?: string;
	message?: string;
	fields?: Record<string, string>;
	sessionId?: string | null;
	/** true when this action had been applied by an earlier sync */
	replayed?: boolean;
}

/** How far ahead of the server's clock a phone's `at` may be (clocks drift). */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * Applies a batch of actions in order (a start recorded before an end is applied before it).
 * One bad action doesn't stop the others.
 */
export async function syncActions(db: Database, settings: ParkingSettings, user: LotCaller, actions: readonly unknown[], now: number): Promise<SyncOutcome[]> {
	const out: SyncOutcome[] = [];
	for (const raw of actions) {
		const parsed = patrolActionSchema.safeParse(raw);
		if (!parsed.success) {
			const error = validationError(parsed.error);
			const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
			out.push({ id, status: 'rejected', code: error.code, message: error.message, fields: error.fields });
			continue;
		}
		out.push(await syncOne(db, settings, user, parsed.data, now));
	}
	return out;
}

async function syncOne(db: Database, settings: ParkingSettings, user: LotCaller, action: PatrolAction, now: number): Promise<SyncOutcome> {
	if (action.at > now + MAX_CLOCK_AHEAD_MS) {
		return { id: action.id, status: 'rejected', code: 'time_in_future', message: 'The phone’s clock is ahead of the server’s: set it right and retry.' };
	}
	for (let attempt = 1; ; attempt++) {
		try {
			return await db.transaction((x) => settle(x, settings, user, action, now));
		} catch (error) {
			// another sync of this same action committed first: answer with what it stored
			if (isUniqueViolation(error)) {
				const prior = await db.run((x) => findPatrolAction(x, action.id));
				if (prior) return replay(prior, user);
				if (attempt < 3) continue;
			}
			if (error instanceof AppError && error.status < 500) return { id: action.id, status: 'rejected', code: error.code, message: error.message, fields: error.fields };
			log('warn', 'patrol action not settled', { id: action.id, error: String((error as Error)?.message ?? error) });
			return { id: action.id, status: 'retry', code: 'not_settled', message: 'The server could not record this now; it will be sent again.' };
		}
	}
}

function replay(prior: PatrolActionRow, user: LotCaller): SyncOutcome {
	if (prior.userId !== user.id) return { id: prior.id, status: 'rejected', code: 'id_reused', message: 'This action id belongs to another account.' };
	return { id: prior.id, status: prior.outcome, code: prior.code ?? undefined, message: prior.message ?? undefined, sessionId: prior.sessionId, replayed: true };
}

async function settle(x: Executor, settings: ParkingSettings, user: LotCaller, action: PatrolAction, now: number): Promise<SyncOutcome> {
	const prior = await findPatrolAction(x, action.id);
	if (prior) return replay(prior, user);
	await requireLot(x, user, action.lotId);
	const details: Record<string, unknown> = {};
	for (const k of ['location', 'note', 'reason', 'confidence', 'vehicleClass'] as const) if (action[k] !== undefined) details[k] = action[k];
	// the claim: a concurrent sync of the same id waits here, then fails on the primary key
	await insertPatrolAction(x, {
		id: action.id,
		userId: user.id,
		lotId: action.lotId,
		kind: action.kind,
		plate: action.plate,
		at: action.at,
		receivedAt: now,
		outcome: 'applied',
		code: null,
		message: null,
		sessionId: null,
		evidenceKey: action.evidenceKey ?? null,
		details
	});
	let result: { sessionId: string | null; message?: string };
	try {
		result = await effect(within(x), x, settings, user, action);
	} catch (error) {
		// a conflict is the world having moved on: kept, shown, not retried
		if (!(error instanceof AppError) || error.status !== 409 || error.code === 'busy') throw error;
		const sessionId = error.fields?.sessionId ?? null;
		await updatePatrolAction(x, action.id, { outcome: 'conflict', code: error.code, message: error.message, sessionId });
		return { id: action.id, status: 'conflict', code: error.code, message: error.message, sessionId, replayed: false };
	}
	await updatePatrolAction(x, action.id, { sessionId: result.sessionId, message: result.message ?? null });
	return { id: action.id, status: 'applied', sessionId: result.sessionId, message: result.message, replayed: false };
}

async function effect(db: Database, x: Executor, settings: ParkingSettings, user: LotCaller, action: PatrolAction): Promise<{ sessionId: string | null; message?: string }> {
	const actor = { userId: user.id };
	switch (action.kind) {
		case 'session.start': {
			const { session } = await startSession(db, { lotId: action.lotId, plate: action.plate, vehicleClass: action.vehicleClass, at: action.at, confidence: action.confidence }, actor, settings);
			return { sessionId: session.id };
		}
		case 'session.end': {
			let sessionId = action.sessionId;
			if (sessionId !== undefined) {
				const s = await findSession(x, sessionId);
				if (!s || s.lotId !== action.lotId || s.plate !== action.plate) throw new AppError(422, 'session_mismatch', 'That session is not this plate’s in this lot.');
				if (s.status !== 'active') {
					const when = s.exitAt === null ? '' : ` at ${new Date(s.exitAt).toISOString()}`;
					throw new AppError(409, 'session_not_active', `${action.plate}’s session was ${s.status === 'voided' ? 'voided' : `ended${when}`} meanwhile.`, { sessionId: s.id });
				}
			} else {
				const active = await findActiveSession(x, action.lotId, action.plate);
				if (!active) throw new AppError(409, 'not_parked', `${action.plate} has no active session in this lot (ended meanwhile, or never started).`);
				sessionId = active.id;
			}
			const ended = await endSession(db, sessionId, { at: action.at, plateRead: action.plate }, actor, settings);
			const due = Math.max(0, (ended.feePaise ?? 0) - ended.paidPaise);
			return { sessionId: ended.id, message: due > 0 ? `Ended; ${due} paise due.` : 'Ended; nothing due.' };
		}
		case 'observation':
		case 'violation': {
			const active = await findActiveSession(x, action.lotId, action.plate);
			await appendEvent(x, { lotId: action.lotId, type: `patrol.${action.kind}`, payload: { actionId: action.id, plate: action.plate, sessionId: active?.id ?? null, reason: action.reason ?? null }, at: action.at });
			return { sessionId: active?.id ?? null };
		}
	}
}
