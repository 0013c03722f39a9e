/**
 * Parking sessions: start, end (fee at exit, tariff snapshot kept), pay, void, correct.
 * One active session per plate per lot is enforced by the database (a unique index on
 * `active_key`), so two gates or fifty retries racing can never open two.
 */
import { z } from 'zod';
import {
	exitMatch,
	fee,
	isLowConfidence,
	normalisePlate,
	overCapacity,
	VEHICLE_CLASSES
} from '../../parking/index.ts';
import { newId } from '../../id.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { isUniqueViolation, type Database, type Executor } from '../db/database.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { describePhoneError, parseE164, phoneRegionOfLot } from '../../parking/sms/index.ts';
import { alertHotlistHit, alertPayment } from '../sms/alerts.ts';
import { setVehiclePhone } from '../sms/recipients.repo.ts';
import { raiseAnomaly } from './anomalies.ts';
import { appendEvent } from './events.repo.ts';
import { findGate, findLot, type LotRow } from './lots.repo.ts';
import { hotlistOfPlate, permitsOfPlate, type HotlistRow, type PermitRow } from './permits.repo.ts';
import {
	activeKeyOf,
	addPaid,
	findActiveSession,
	findEntryContext,
	findExitContext,
	findPayment,
	findSession,
	findSessionForUpdate,
	insertPayment,
	insertSession,
	listActiveSessions,
	listPayments,
	listSessions,
	occupancyByClass,
	occupancyWith,
	updateSession,
	updateSessionIfUnchanged,
	type PaymentRow,
	type SessionFilter,
	type SessionRow
} from './sessions.repo.ts';
import { planFor, planOf, type TariffDefaults } from './tariffs.ts';

export type ParkingSession = SessionRow;
export type Payment = PaymentRow;

/** Who did it: a person, a device, or the system itself (jobs). */
export interface Actor {
	userId?: string | null;
	deviceId?: string | null;
}

export interface ParkingSettings extends TariffDefaults {
	ocrConfidenceThreshold: number;
}

/**
 * How far (`plateDistance`) an exit read may be from a parked plate and still be offered as the
 * same car: one strongly confusable character. Exported so the traffic simulator's driver can
 * check its lot assumes the same.
 */
export const EXIT_MATCH_MAX_COST = 1;

export const plateInputSchema = z
	.string()
	.max(40, 'A plate has at most 12 letters and digits.')
	.transform((raw, ctx) => {
		const result = normalisePlate(raw);
		if (!result.ok) {
			ctx.addIssue({ code: 'custom', message: 'A plate is 2 to 12 letters and digits (spaces, dots and dashes are ignored).' });
			return z.NEVER;
		}
		return result.value;
	});

export const startSessionSchema = z.strictObject({
	lotId: z.string().min(1).max(64),
	plate: plateInputSchema,
	vehicleClass: z.enum(VEHICLE_CLASSES).optional(),
	at: z.int().min(0).optional(),
	gateId: z.string().min(1).max(64).optional(),
	confidence: z.number().min(0).max(1).optional()
});
export type StartSessionInput = z.output<typeof startSessionSchema> & { at: number };

export interface StartResult {
	session: ParkingSession;
	permit: PermitRow | null;
	hotlist: HotlistRow[];
	occupancy: Record<string, number>;
}

/**
 * Starts a session. Hotlist hits, low-confidence reads and an over-full lot don't stop it (the
 * car is inside): they raise anomalies for a person. A plate already parked in the lot is a
 * duplicate entry: the first session stays, the attempt is recorded as an anomaly on it.
 * @throws {AppError} 404 lot, 409 `already_parked` (with the active session's id in `fields`)
 */
export async function startSession(db: Database, input: StartSessionInput, actor: Actor, settings: ParkingSettings, attempt = 1): Promise<StartResult> {
	const session: ParkingSession = {
		id: newId(),
		lotId: input.lotId,
		plate: input.plate,
		vehicleClass: input.vehicleClass ?? 'car',
		status: 'active',
		activeKey: activeKeyOf(input.lotId, input.plate),
		entryAt: input.at,
		exitAt: null,
		entryGateId: input.gateId ?? null,
		exitGateId: null,
		entryConfidence: input.confidence ?? null,
		exitPlateRead: null,
		feePaise: null,
		paidPaise: 0,
		tariffSnapshot: null,
		permitId: null,
		startedBy: actor.userId ?? actor.deviceId ?? null,
		endedBy: null,
		createdAt: input.at,
		updatedAt: input.at
	};
	try {
		return await db.transaction(async (x) => {
			// one read for the lot, the plate's permits and hotlist entries (fetched only when it has
			// some) and the occupancy: the common start is four statements and a commit
			const context = await findEntryContext(x, input.lotId, session.plate, input.at);
			if (!context) throw notFound('The lot');
			const { lot } = context;
			const permit = context.hasPermits ? validPermit(await permitsOfPlate(x, session.plate, input.at), lot.id, input.at) : null;
			const hits = context.onHotlist ? await hotlistOfPlate(x, session.plate, input.at) : [];
			const row = { ...session, permitId: permit?.id ?? null };
			await insertSession(x, row);
			// what a COUNT now would answer: the snapshot's, and this session (see findEntryContext)
			const occupancy = occupancyWith(context.occupancy, row.vehicleClass, 1);
			await raiseEntryAnomalies(x, lot, row, hits, occupancy, input, settings);
			await appendEvent(x, { lotId: lot.id, type: 'session.started', payload: { sessionId: row.id, plate: row.plate, vehicleClass: row.vehicleClass, occupancy }, at: input.at });
			if (actor.userId) await recordAudit(x, { at: input.at, actorUserId: actor.userId, action: 'session.start', entity: 'parking_session', entityId: row.id });
			return { session: row, permit, hotlist: hits, occupancy };
		});
	} catch (error) {
		if (!isUniqueViolation(error)) throw error;
	}
	// The plate is parked already: record the attempt on the session that holds the lot.
	const existing = await db.transaction(async (x) => {
		const active = await findActiveSession(x, input.lotId, input.plate);
		if (!active) return undefined;
		const lot = await requireLot(x, input.lotId);
		// the read is a read like any other: a poor one is flagged even when it opens nothing
		await raiseLowConfidence(x, lot, { plate: active.plate, sessionId: active.id, at: input.at, confidence: input.confidence, gateId: input.gateId }, settings);
		await raiseAnomaly(x, {
			key: { kind: 'duplicate-entry', lotId: lot.id, sessionId: active.id },
			lotId: lot.id,
			plate: active.plate,
			sessionId: active.id,
			evidence: { activeSince: active.entryAt, attemptAt: input.at, gateId: input.gateId ?? null, confidence: input.confidence ?? null },
			at: input.at
		});
		return active;
	});
	// it ended between the two transactions: try again (a bounded number of times)
	if (!existing) {
		if (attempt >= 3) throw conflict('busy', 'The plate is being entered and exited at the same time; try again.');
		return startSession(db, input, actor, settings, attempt + 1);
	}
	throw new AppError(409, 'already_parked', `${input.plate} is parked in this lot already (session ${existing.id}).`, { sessionId: existing.id });
}

async function raiseEntryAnomalies(
	x: Executor,
	lot: LotRow,
	session: ParkingSession,
	hits: HotlistRow[],
	occupancy: Record<string, number>,
	input: StartSessionInput,
	settings: ParkingSettings
): Promise<void> {
	const base = { lotId: lot.id, plate: session.plate, sessionId: session.id, at: input.at };
	const gateName = hits.length && input.gateId ? ((await findGate(x, input.gateId))?.name ?? null) : null;
	for (const hit of hits) {
		await raiseAnomaly(x, { ...base, key: { kind: 'hotlist-hit', lotId: lot.id, sessionId: session.id }, evidence: { hotlistId: hit.id, reason: hit.reason, priority: hit.priority, gateId: input.gateId ?? null } });
		// the operators' SMS commits with the entry, or not at all
		await alertHotlistHit(x, lot, session, hit, gateName, input.at);
	}
	await raiseLowConfidence(x, lot, { plate: session.plate, sessionId: session.id, at: input.at, confidence: input.confidence, gateId: input.gateId }, settings);
	const capacity = lot.capacity[session.vehicleClass] ?? 0;
	const occupied = occupancy[session.vehicleClass] ?? 0;
	if (overCapacity(occupied, capacity)) {
		await raiseAnomaly(x, {
			...base,
			plate: null,
			sessionId: null,
			key: { kind: 'over-capacity', lotId: lot.id, atMs: input.at, timeZone: lot.timeZone },
			evidence: { vehicleClass: session.vehicleClass, occupied, capacity, lastSessionId: session.id }
		});
	}
}

/**
 * Raises `low-confidence` (one per plate, lot and local day) when a read's confidence is given
 * and below the threshold; a read without a confidence (typed by a person) is not a camera's.
 */
async function raiseLowConfidence(
	x: Executor,
	lot: LotRow,
	read: { plate: string; sessionId: string | null; at: number; confidence: number | undefined; gateId: string | undefined },
	settings: ParkingSettings
): Promise<void> {
	if (read.confidence === undefined || !isLowConfidence(read.confidence, settings.ocrConfidenceThreshold)) return;
	await raiseAnomaly(x, {
		key: { kind: 'low-confidence', lotId: lot.id, plate: read.plate, atMs: read.at, timeZone: lot.timeZone },
		lotId: lot.id,
		plate: read.plate,
		sessionId: read.sessionId,
		evidence: { confidence: read.confidence, threshold: settings.ocrConfidenceThreshold, gateId: read.gateId ?? null },
		at: read.at
	});
}

export const endSessionSchema = z.strictObject({
	at: z.int().min(0).optional(),
	gateId: z.string().min(1).max(64).optional(),
	plateRead: plateInputSchema.optional()
});

/**
 * Ends an active session at `at`: computes the fee with the lot's plan for the vehicle's class in
 * the lot's time zone (zero with a permit valid at exit) and keeps the plan and receipt lines on
 * the session.
 * @throws {AppError} 404, 409 `session_not_active`, 422 `exit_before_entry`
 */
export async function endSession(
	db: Database,
	sessionId: string,
	input: { at: number; gateId?: string; plateRead?: string },
	actor: Actor,
	settings: ParkingSettings
): Promise<ParkingSession> {
	// The common case in one read and one guarded update, locking nothing up front: the session
	// with its lot, plan, permits and the occupancy, then an update that only lands if the session
	// is still as read.
	const ended = await db.transaction(async (x) => {
		const context = await findExitContext(x, sessionId, input.at);
		if (!context) throw notFound('The session');
		const { session, lot } = context;
		if (session.status !== 'active' || input.at < session.entryAt) return undefined; // the locked path says why
		const permit = context.hasPermits ? validPermit(await permitsOfPlate(x, session.plate, input.at), lot.id, input.at) : null;
		const patch = exitPatch(lot, session, planOf(lot, context.plan, settings), permit, input, actor);
		if (!(await updateSessionIfUnchanged(x, session, patch))) return undefined;
		// what a COUNT now would answer: the snapshot's, without this session (see findEntryContext)
		const occupancy = occupancyWith(context.occupancy, session.vehicleClass, -1);
		await recordExit(x, lot, session, patch, occupancy, input, actor);
		return { ...session, ...patch };
	});
	if (ended) return ended;
	// Not active, exit before entry, or changed since read (a race): lock it and decide afresh.
	return db.transaction(async (x) => {
		const session = await findSessionForUpdate(x, sessionId);
		if (!session) throw notFound('The session');
		return closeSession(x, session, await requireLot(x, session.lotId), input, actor, settings);
	});
}

/** Ends a session locked for update, in `lot` (its own, read in the same transaction). */
async function closeSession(
	x: Executor,
	session: ParkingSession,
	lot: LotRow,
	input: { at: number; gateId?: string; plateRead?: string },
	actor: Actor,
	settings: ParkingSettings
): Promise<ParkingSession> {
	if (session.status !== 'active') throw conflict('session_not_active', `This session is ${session.status} already.`);
	if (input.at < session.entryAt) {
		throw new AppError(422, 'exit_before_entry', 'The exit time is before the entry time.', { at: `must be at or after ${new Date(session.entryAt).toISOString()}` });
	}
	const permit = validPermit(await permitsOfPlate(x, session.plate, input.at), lot.id, input.at);
	const patch = exitPatch(lot, session, await planFor(x, lot, session.vehicleClass, settings), permit, input, actor);
	await updateSession(x, session.id, patch);
	const occupancy = await occupancyByClass(x, lot.id);
	await recordExit(x, lot, session, patch, occupancy, input, actor);
	return { ...session, ...patch };
}

/** The fee and the rest of what ending a session changes. @throws {AppError} 422 `fee_not_computable` */
function exitPatch(
	lot: LotRow,
	session: ParkingSession,
	{ plan, isDefault }: ReturnType<typeof planOf>,
	permit: PermitRow | null,
	input: { at: number; gateId?: string; plateRead?: string },
	actor: Actor
) {
	const priced = fee(plan, session.entryAt, input.at, lot.timeZone, { permit: permit !== null });
	if (!priced.ok) throw new AppError(422, 'fee_not_computable', `The fee can't be computed: ${priced.error.kind}.`);
	return {
		status: 'completed' as const,
		activeKey: null,
		exitAt: input.at,
		exitGateId: input.gateId ?? null,
		exitPlateRead: input.plateRead ?? null,
		feePaise: priced.value.totalPaise,
		tariffSnapshot: { plan, isDefault, timeZone: lot.timeZone, waived: priced.value.waived, lines: priced.value.lines, permitId: permit?.id ?? null },
		endedBy: actor.userId ?? actor.deviceId ?? null,
		updatedAt: input.at
	};
}

/** The live event and the audit entry of an exit, in its transaction. */
async function recordExit(
	x: Executor,
	lot: LotRow,
	session: ParkingSession,
	patch: ReturnType<typeof exitPatch>,
	occupancy: Record<string, number>,
	input: { at: number },
	actor: Actor
): Promise<void> {
	await appendEvent(x, { lotId: lot.id, type: 'session.ended', payload: { sessionId: session.id, plate: session.plate, feePaise: patch.feePaise, occupancy }, at: input.at });
	if (actor.userId) await recordAudit(x, { at: input.at, actorUserId: actor.userId, action: 'session.end', entity: 'parking_session', entityId: session.id });
}

export type ExitOutcome =
	| { kind: 'ended'; session: ParkingSession }
	| { kind: 'mismatch'; candidates: Array<{ sessionId: string; plate: string }> }
	| { kind: 'no_entry' };

/**
 * An exit read at a gate: ends the plate's active session when the read matches it exactly. A read
 * one confusable character away from a parked plate (a camera misread) is never closed
 * automatically: it raises a plate-mismatch anomaly linked to the candidate for review. A read
 * matching nothing raises exit-without-entry. A read below the confidence threshold raises
 * low-confidence as well, whatever it matched.
 */
export async function exitByPlate(
	db: Database,
	input: { lotId: string; plate: string; at: number; gateId?: string; confidence?: number },
	actor: Actor,
	settings: ParkingSettings
): Promise<ExitOutcome> {
	return db.transaction(async (x) => {
		const lot = await requireLot(x, input.lotId);
		const exact = await findActiveSession(x, lot.id, input.plate);
		await raiseLowConfidence(x, lot, { plate: input.plate, sessionId: exact?.id ?? null, at: input.at, confidence: input.confidence, gateId: input.gateId }, settings);
		if (exact) {
			const locked = (await findSessionForUpdate(x, exact.id))!;
			return { kind: 'ended', session: await closeSession(x, locked, lot, { at: input.at, gateId: input.gateId, plateRead: input.plate }, actor, settings) };
		}
		const match = exitMatch(input.plate, await listActiveSessions(x, lot.id), { maxCost: EXIT_MATCH_MAX_COST });
		const evidence = { read: input.plate, confidence: input.confidence ?? null, gateId: input.gateId ?? null };
		if (match.kind === 'confusable') {
			const best = match.candidates[0]!.session;
			await raiseAnomaly(x, {
				key: { kind: 'plate-mismatch', lotId: lot.id, plate: input.plate, atMs: input.at, timeZone: lot.timeZone },
				lotId: lot.id,
				plate: input.plate,
				relatedSessionId: best.id,
				evidence: { ...evidence, candidates: match.candidates.map((c) => ({ sessionId: c.session.id, plate: c.session.plate, cost: c.cost })) },
				at: input.at
			});
			return { kind: 'mismatch', candidates: match.candidates.map((c) => ({ sessionId: c.session.id, plate: c.session.plate })) };
		}
		await raiseAnomaly(x, {
			key: { kind: 'exit-without-entry', lotId: lot.id, plate: input.plate, atMs: input.at, timeZone: lot.timeZone },
			lotId: lot.id,
			plate: input.plate,
			evidence,
			at: input.at
		});
		return { kind: 'no_entry' };
	});
}

export const paymentSchema = z.strictObject({
	id: z.string().regex(/^[a-z2-7]{16,32}$/, 'a client-made id (base32, 16–32 characters)').optional(),
	amountPaise: z.int('a whole number of paise').min(1, 'a payment is at least 1 paisa').max(100_000_000),
	method: z.enum(['cash', 'upi', 'card']),
	reference: z.string().trim().max(100).optional(),
	/** the driver's number for the confirmation (and later alerts); national numbers in the lot's country */
	phone: z.string().trim().min(1).max(40).optional(),
	at: z.int().min(0).optional()
});

/**
 * Records a payment on a session. With a client-made `id` the call is idempotent: a repeat
 * returns the first payment. Paying more than is due on an ended session is refused.
 * @throws {AppError} 404, 409 `session_voided`, `overpayment`, `payment_id_reused`
 */
export async function paySession(db: Database, sessionId: string, input: z.output<typeof paymentSchema> & { at: number }, actor: Actor): Promise<{ payment: Payment; session: ParkingSession; duplicate: boolean }> {
	return db.transaction(async (x) => {
		const session = await findSessionForUpdate(x, sessionId);
		if (!session) throw notFound('The session');
		if (input.id) {
			const previous = await findPayment(x, input.id);
			if (previous) {
				if (previous.sessionId !== sessionId || previous.amountPaise !== input.amountPaise) throw conflict('payment_id_reused', 'This payment id was used for another payment.');
				return { payment: previous, session, duplicate: true };
			}
		}
		if (session.status === 'voided') throw conflict('session_voided', 'This session was voided.');
		const lot = await requireLot(x, session.lotId);
		let phone: string | null = null;
		if (input.phone !== undefined) {
			const parsed = parseE164(input.phone, phoneRegionOfLot(lot.country));
			if (!parsed.ok) throw new AppError(422, 'validation_failed', 'Some fields are missing or wrong.', { phone: describePhoneError(parsed.error) });
			phone = parsed.value;
		}
		if (session.feePaise !== null && session.paidPaise + input.amountPaise > session.feePaise) {
			throw conflict('overpayment', `Only ${session.feePaise - session.paidPaise} paise are due.`);
		}
		const payment: Payment = {
			id: input.id ?? newId(),
			sessionId,
			lotId: session.lotId,
			amountPaise: input.amountPaise,
			method: input.method,
			reference: input.reference ?? null,
			receivedBy: actor.userId ?? actor.deviceId ?? null,
			at: input.at
		};
		await insertPayment(x, payment);
		await addPaid(x, sessionId, input.amountPaise, input.at);
		if (phone) await setVehiclePhone(x, session.plate, session.vehicleClass, phone, input.at);
		// the confirmation is written with the payment: both commit, or neither
		await alertPayment(x, lot, session, payment, phone);
		await appendEvent(x, { lotId: session.lotId, type: 'payment', payload: { sessionId, amountPaise: input.amountPaise, method: input.method }, at: input.at });
		if (actor.userId) await recordAudit(x, { at: input.at, actorUserId: actor.userId, action: 'session.pay', entity: 'parking_session', entityId: sessionId, details: { paymentId: payment.id, amountPaise: input.amountPaise, method: input.method } });
		return { payment, session: { ...session, paidPaise: session.paidPaise + input.amountPaise }, duplicate: false };
	});
}

export const voidSchema = z.strictObject({ reason: z.string().trim().min(3, 'Say why.').max(500) });

/** Voids a session (a mistaken entry): it leaves the lot's count and owes nothing. Audited. */
export async function voidSession(db: Database, sessionId: string, reason: string, actorUserId: string, now: number): Promise<ParkingSession> {
	return db.transaction(async (x) => {
		const session = await findSessionForUpdate(x, sessionId);
		if (!session) throw notFound('The session');
		if (session.status === 'voided') throw conflict('session_voided', 'This session was voided already.');
		if (session.paidPaise > 0) throw conflict('session_paid', 'A paid session cannot be voided; refund it first.');
		const patch = { status: 'voided' as const, activeKey: null, updatedAt: now, endedBy: actorUserId };
		await updateSession(x, sessionId, patch);
		await appendEvent(x, { lotId: session.lotId, type: 'session.voided', payload: { sessionId, occupancy: await occupancyByClass(x, session.lotId) }, at: now });
		await recordAudit(x, { at: now, actorUserId, action: 'session.void', entity: 'parking_session', entityId: sessionId, details: { reason, before: session.status } });
		return { ...session, ...patch };
	});
}

export const correctSchema = z
	.strictObject({ plate: plateInputSchema.optional(), vehicleClass: z.enum(VEHICLE_CLASSES).optional(), reason: z.string().trim().min(3, 'Say why.').max(500) })
	.refine((c) => c.plate !== undefined || c.vehicleClass !== undefined, 'Correct the plate or the vehicle class.');

/**
 * Corrects a session's plate or vehicle class (a misread confirmed by a person). Audited with the
 * old values. An active session keeps the one-per-plate rule.
 * @throws {AppError} 404, 409 `already_parked` when the corrected plate is parked in the lot
 */
export async function correctSession(db: Database, sessionId: string, input: z.output<typeof correctSchema>, actorUserId: string, now: number): Promise<ParkingSession> {
	try {
		return await db.transaction(async (x) => {
			const session = await findSessionForUpdate(x, sessionId);
			if (!session) throw notFound('The session');
			if (session.status === 'voided') throw conflict('session_voided', 'This session was voided.');
			const plate = input.plate ?? session.plate;
			const patch = {
				plate,
				vehicleClass: input.vehicleClass ?? session.vehicleClass,
				activeKey: session.status === 'active' ? activeKeyOf(session.lotId, plate) : null,
				updatedAt: now
			};
			await updateSession(x, sessionId, patch);
			await recordAudit(x, {
				at: now,
				actorUserId,
				action: 'session.correct',
				entity: 'parking_session',
				entityId: sessionId,
				details: { reason: input.reason, before: { plate: session.plate, vehicleClass: session.vehicleClass }, after: { plate: patch.plate, vehicleClass: patch.vehicleClass } }
			});
			return { ...session, ...patch };
		});
	} catch (error) {
		if (isUniqueViolation(error)) throw conflict('already_parked', `${input.plate} is parked in this lot already.`);
		throw error;
	}
}

async function requireLot(x: Executor, lotId: string): Promise<LotRow> {
	const lot = await findLot(x, lotId);
	if (!lot) throw notFound('The lot');
	return lot;
}

/** The permit that covers a plate in a lot at an instant, if any. */
function validPermit(permits: PermitRow[], lotId: string, at: number): PermitRow | null {
	return permits.find((p) => p.validFrom <= at && at < p.validUntil && p.lotIds.includes(lotId)) ?? null;
}

/** Sessions matching a filter, newest entry first. */
export async function searchSessions(db: Database, filter: SessionFilter, limit: number, offset: number): Promise<{ rows: ParkingSession[]; total: number }> {
	return db.run((x) => listSessions(x, filter, limit, offset));
}

/** @throws {AppError} 404 */
export async function sessionWithPayments(db: Database, id: string): Promise<{ session: ParkingSession; payments: Payment[] }> {
	return db.run(async (x) => {
		const session = await findSession(x, id);
		if (!session) throw notFound('The session');
		return { session, payments: await listPayments(x, [id]) };
	});
}
