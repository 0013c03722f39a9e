/**
 * Captures posted by gate cameras: check the request, read the plate off the event loop, store
 * the image, decide, start or end the session, and answer the gate. Gates retry on flaky Wi-Fi,
 * so the gate's capture id (`Idempotency-Key`) makes the whole thing happen once: the first
 * request claims `(gate, key)` in the database (a unique index, so even two racing retries can't
 * both claim it), and every later one gets the stored answer.
 */
import { checkImageSize, ImageError } from '../../lpr/image-header.ts';
import { newId } from '../../id.ts';
import { isUniqueViolation, type Database } from '../db/database.ts';
import { within } from '../db/within.ts';
import { AppError, forbidden, notFound } from '../http/errors.ts';
import { log } from '../log.ts';
import { raiseAnomaly } from '../parking/anomalies.ts';
import { appendEvent } from '../parking/events.repo.ts';
import { findGate, findLot, updateGate, type GateRow, type LotRow } from '../parking/lots.repo.ts';
import { hotlistOfPlate, permitsOfPlate } from '../parking/permits.repo.ts';
import { findActiveSession, findSession, occupancyByClass } from '../parking/sessions.repo.ts';
import { exitByPlate, startSession, type ParkingSettings } from '../parking/sessions.ts';
import type { ImageStore } from '../storage/storage.ts';
import { newKey } from '../storage/storage.ts';
import { findCapture, findCaptureById, insertCapture, lastExitCapture, releaseClaim, releaseStaleClaim, updateCapture, type CaptureRow } from './captures.repo.ts';
import { display, entryVerdict, exitVerdict, readVerdict, type Decision, type Reason, type Verdict } from './decide.ts';
import { MAX_CAPTURE_PIXELS, ReadError, type CaptureReader, type PlateReading } from './reader.ts';

/** What a gate is told. `amount_due` is in minor units (paise); `display` is for its screen. */
export interface CaptureAnswer {
	capture_id: string;
	decision: Decision;
	plate: string | null;
	confidence: number;
	reason: Reason;
	session_id: string | null;
	amount_due: number;
	display: string;
}

export interface CaptureDeps {
	db: Database;
	images: ImageStore;
	reader: CaptureReader;
	settings: ParkingSettings;
	now?: () => number;
}

export interface CaptureInput {
	gateId: string;
	/** the device key's id the request came with */
	deviceId: string;
	idempotencyKey: string;
	capturedAt: number;
	image: Uint8Array;
}

/** How far a capture's time may be from the server's: gates buffer offline, but not for days. */
export const CAPTURE_CLOCK = { maxPastMs: 24 * 3600_000, maxFutureMs: 5 * 60_000 } as const;
/** Largest capture body (an ESP32-CAM's UXGA JPEG is under 1 MB). */
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;
/**
 * A claim still `processing` after this long belongs to a request that died (a crash, a restart
 * mid-decision): the next retry releases it and decides afresh.
 */
export const STALE_CLAIM_MS = 30_000;
/** A car held for payment at an exit is still the same car for this long. */
const PAYMENT_HOLD_MS = 30 * 60_000;
/** A car let out is still the same car at the barrier for this long (a second trigger, a second camera). */
export const RECENT_EXIT_MS = 60_000;

export type CaptureResult = { answer: CaptureAnswer; replayed: boolean };

/**
 * Checks that the caller is the gate: the device key must be the one the gate is bound to.
 * @throws {AppError} 404 no such gate, 403 another gate's key
 */
export async function gateOfDevice(db: Database, gateId: string, deviceId: string): Promise<GateRow> {
	const gate = await db.run((x) => findGate(x, gateId));
	if (!gate) throw notFound('The gate');
	if (gate.deviceKeyId !== deviceId) throw forbidden('This device key is not the key of this gate.');
	return gate;
}

/**
 * Handles one capture.
 * @throws {AppError} 403/404 gate, 422 capture time or image, 415 not a JPEG, 503 reader busy
 */
export async function handleCapture(deps: CaptureDeps, input: CaptureInput): Promise<CaptureResult> {
	const now = (deps.now ?? Date.now)();
	const { db } = deps;
	const gate = await gateOfDevice(db, input.gateId, input.deviceId);
	if (input.capturedAt < now - CAPTURE_CLOCK.maxPastMs || input.capturedAt > now + CAPTURE_CLOCK.maxFutureMs) {
		throw new AppError(422, 'capture_time_off', 'The capture time is too far from the server\'s clock; check the gate\'s clock.', {
			'x-capture-time': `within 24 hours before and 5 minutes after ${new Date(now).toISOString()}`
		});
	}
	// contact, written at most every 10 s: a busy gate shouldn't add a write to every capture
	if (gate.lastHeartbeatAt === null || now - gate.lastHeartbeatAt >= 10_000) await db.run((x) => updateGate(x, gate.id, { lastHeartbeatAt: now }));
	const seen = await db.run((x) => findCapture(x, gate.id, input.idempotencyKey));
	const released = seen?.status === 'processing' && seen.updatedAt < now - STALE_CLAIM_MS && (await db.run((x) => releaseStaleClaim(x, seen.id, now - STALE_CLAIM_MS)));
	if (seen && !released) return { answer: await answerOf(db, seen), replayed: true };

	checkImage(input.image);
	const lot = await lotOf(db, gate);
	const read = await readPlate(deps.reader, input.image, lot.country);

	const claim: CaptureRow = {
		id: newId(),
		gateId: gate.id,
		lotId: gate.lotId,
		idempotencyKey: input.idempotencyKey,
		status: 'processing',
		capturedAt: input.capturedAt,
		receivedAt: now,
		imageKey: null,
		decision: null,
		plate: read.plate,
		confidence: read.confidence,
		reason: null,
		sessionId: null,
		amountDuePaise: null,
		answer: null,
		updatedAt: now
	};
	try {
		await db.run((x) => insertCapture(x, claim));
	} catch (error) {
		if (!isUniqueViolation(error)) throw error;
		// a retry racing this one claimed it first: its answer is ours
		const other = await db.run((x) => findCapture(x, gate.id, input.idempotencyKey));
		if (!other) throw error;
		return { answer: await answerOf(db, other), replayed: true };
	}

	try {
		const imageKey = newKey('captures/', 'image/jpeg', input.capturedAt, gate.id);
		await deps.images.put(imageKey, input.image, 'image/jpeg');
		claim.imageKey = imageKey;
	} catch (error) {
		log('error', 'capture image not stored', { gate_id: gate.id, capture_id: claim.id, error: String(error) });
		await db.run((x) => releaseClaim(x, claim.id));
		throw new AppError(503, 'storage_unavailable', 'The image could not be stored; try again.', undefined, { 'retry-after': '2' });
	}

	// The decision, its effects (a session started or ended, anomalies) and the stored answer are
	// one transaction: a failure anywhere leaves none of them, and the gate's retry decides afresh.
	// Were they separate, a session started by an attempt that then failed would make the retry
	// answer `already_inside` (or `no_entry` at an exit) for the car that attempt let in.
	let answer: CaptureAnswer | undefined;
	for (let attempt = 1; !answer; attempt++) {
		try {
			answer = await db.transaction(async (x) => {
				const outcome = await decide({ ...deps, db: within(x) }, lot, gate, claim, read);
				const answer: CaptureAnswer = {
					capture_id: claim.id,
					decision: outcome.decision,
					plate: read.plate,
					confidence: round(read.confidence),
					reason: outcome.reason,
					session_id: outcome.sessionId,
					amount_due: outcome.amountDuePaise,
					display: display(outcome, read.plate, outcome.amountDuePaise, lot.currency)
				};
				await updateCapture(x, claim.id, {
					status: 'done',
					imageKey: claim.imageKey,
					decision: answer.decision,
					reason: answer.reason,
					sessionId: answer.session_id,
					amountDuePaise: answer.amount_due,
					answer: { ...answer },
					updatedAt: now
				});
				await appendEvent(x, { lotId: gate.lotId, type: 'gate.capture', payload: { gateId: gate.id, captureId: claim.id, decision: answer.decision, reason: answer.reason, plate: answer.plate, sessionId: answer.session_id, amountDue: answer.amount_due }, at: now });
				return answer;
			});
		} catch (error) {
			// On MySQL a transaction reads from a snapshot taken at its first read: a car let in at
			// another gate at the same instant stays invisible to it after its own insert collided with
			// that session, and startSession gives up (`busy`); a car let out by another capture at
			// the same instant is active in the snapshot but ended when exitByPlate locks its session
			// (`session_not_active`). A new transaction sees what that capture did, and decides as if
			// it had come second (as it does on SQLite, whose transactions take turns).
			if (attempt < 3 && error instanceof AppError && (error.code === 'busy' || error.code === 'session_not_active')) continue;
			// nothing was decided: release the claim so the gate's retry starts afresh (the image stays
			// for the record). Only a claim still `processing`: if the commit did land after all (its
			// acknowledgement was lost), the retry finds the answer.
			await db.run((x) => releaseClaim(x, claim.id)).catch((e: unknown) => log('error', 'capture claim not released', { gate_id: gate.id, capture_id: claim.id, error: String(e) }));
			throw error;
		}
	}
	return { answer, replayed: false };
}

function round(n: number): number {
	return Math.round(n * 1000) / 1000;
}

async function lotOf(db: Database, gate: GateRow): Promise<LotRow> {
	const lot = await db.run((x) => findLot(x, gate.lotId));
	if (!lot) throw notFound('The gate\'s lot');
	return lot;
}

/** The stored answer of a claimed capture, waiting (briefly) for one still being decided. */
async function answerOf(db: Database, row: CaptureRow): Promise<CaptureAnswer> {
	for (let waited = 0; row.status !== 'done'; waited += 100) {
		if (waited >= 10_000) throw new AppError(409, 'capture_in_progress', 'This capture is still being decided; retry shortly.', undefined, { 'retry-after': '1' });
		await new Promise((r) => setTimeout(r, 100));
		const again = await db.run((x) => findCapture(x, row.gateId, row.idempotencyKey));
		// the first attempt failed and released its claim: the gate's next retry starts afresh
		if (!again) throw new AppError(503, 'capture_failed', 'The first attempt at this capture failed; retry.', undefined, { 'retry-after': '1' });
		row = again;
	}
	return row.answer as unknown as CaptureAnswer;
}

/**
 * The cheap checks before any decoding: a JPEG, and a size from its header that a decoder can
 * afford (a decompression bomb is a small file declaring a huge image).
 * @throws {AppError} 415 not a JPEG, 422 too many pixels or a broken header
 */
export function checkImage(image: Uint8Array): void {
	if (!(image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff)) throw new AppError(415, 'unsupported_media_type', 'The body is not a JPEG image.');
	try {
		checkImageSize(image, MAX_CAPTURE_PIXELS);
	} catch (error) {
		if (error instanceof ImageError) {
			const code = error.kind === 'too-large' ? 'image_too_large' : 'image_unreadable';
			throw new AppError(422, code, `The image can't be used: ${error.message}.`);
		}
		throw error;
	}
}

async function readPlate(reader: CaptureReader, image: Uint8Array, country: string): Promise<PlateReading> {
	try {
		return await reader.read(image, country as Parameters<CaptureReader['read']>[1]);
	} catch (error) {
		if (error instanceof ReadError) {
			if (error.kind === 'busy' || error.kind === 'timeout') throw new AppError(503, 'reader_busy', 'The plate reader is busy; retry shortly.', undefined, { 'retry-after': '1' });
			if (error.kind === 'failed') throw new AppError(503, 'reader_failed', 'The plate reader failed; retry.', undefined, { 'retry-after': '2' });
			throw new AppError(422, error.kind === 'too-large' ? 'image_too_large' : 'image_unreadable', `The image can't be used: ${error.message}.`);
		}
		// anything else is the reader's failure (a worker that could not start, say), not the photo's
		log('error', 'plate reader failed', { error: String((error as Error)?.stack ?? error) });
		throw new AppError(503, 'reader_failed', 'The plate reader failed; retry.', undefined, { 'retry-after': '2' });
	}
}

interface Outcome extends Verdict {
	sessionId: string | null;
	amountDuePaise: number;
}

async function decide(deps: CaptureDeps, lot: LotRow, gate: GateRow, capture: CaptureRow, read: PlateReading): Promise<Outcome> {
	const { db, settings } = deps;
	const at = capture.capturedAt;
	const held = readVerdict(read, settings.ocrConfidenceThreshold);
	if (held || !read.plate) {
		await db.transaction((x) =>
			raiseAnomaly(x, {
				key: read.plate && held?.reason === 'low_confidence'
					? { kind: 'low-confidence', lotId: lot.id, plate: read.plate, atMs: at, timeZone: lot.timeZone }
					: { kind: 'unreadable-plate', lotId: lot.id, eventId: capture.id },
				lotId: lot.id,
				plate: read.plate,
				evidence: { captureId: capture.id, gateId: gate.id, read: read.plate, confidence: read.confidence, threshold: settings.ocrConfidenceThreshold, imageKey: capture.imageKey },
				at
			})
		);
		return { ...(held ?? { decision: 'hold', reason: 'no_plate' }), sessionId: null, amountDuePaise: 0 };
	}
	const plate = read.plate;
	const inside = gate.direction === 'entry' ? undefined : await db.run((x) => findActiveSession(x, lot.id, plate));
	if (gate.direction !== 'entry' && !inside) {
		const again = await sameCarLeaving(db, lot, capture, plate);
		if (again) return again;
	}
	const direction = gate.direction === 'both' ? (inside ? 'exit' : 'entry') : gate.direction;
	return direction === 'entry' ? decideEntry(deps, lot, gate, capture, plate, read.confidence) : decideExit(deps, lot, gate, capture, plate, read.confidence);
}

/**
 * A plate with no session inside, photographed at a gate it could leave by, that a gate just let
 * out or holds for payment: the same car still at the barrier (a second trigger, a second camera,
 * a driver who went to pay). It gets the exit's answer again, as the session stands now (paid
 * since?), rather than being taken for a car that never came in (exit-without-entry) or, at a gate
 * for both directions, for a new arrival. The hold lasts {@link PAYMENT_HOLD_MS}; a car let out
 * is the same car for {@link RECENT_EXIT_MS}, after which it may come back in.
 */
async function sameCarLeaving(db: Database, lot: LotRow, capture: CaptureRow, plate: string): Promise<Outcome | null> {
	const last = await db.run((x) => lastExitCapture(x, lot.id, plate, capture.receivedAt - PAYMENT_HOLD_MS));
	if (!last?.sessionId) return null;
	const session = await db.run((x) => findSession(x, last.sessionId!));
	if (!session || session.status !== 'completed' || session.exitAt === null) return null;
	if (last.reason !== 'payment_due' && Math.abs(capture.capturedAt - session.exitAt) > RECENT_EXIT_MS) return null;
	const v = exitVerdict({ feePaise: session.feePaise ?? 0, paidPaise: session.paidPaise, permit: typeof session.tariffSnapshot?.permitId === 'string' });
	return { ...v, sessionId: session.id };
}

async function decideEntry(deps: CaptureDeps, lot: LotRow, gate: GateRow, capture: CaptureRow, plate: string, confidence: number): Promise<Outcome> {
	const { db, settings } = deps;
	const at = capture.capturedAt;
	const facts = await db.run(async (x) => {
		const permits = await permitsOfPlate(x, plate, at);
		const hits = await hotlistOfPlate(x, plate, at);
		const occupancy = await occupancyByClass(x, lot.id);
		const active = await findActiveSession(x, lot.id, plate);
		return {
			alreadyInside: active !== undefined,
			permit: permits.some((p) => p.validFrom <= at && at < p.validUntil && p.lotIds.includes(lot.id)),
			hotlisted: hits.length > 0,
			hits,
			occupied: occupancy.car ?? 0,
			capacity: lot.capacity.car ?? 0
		};
	});
	const verdict = entryVerdict(facts);
	// already inside: starting the session anyway records the duplicate entry on the one that holds
	// the lot (and opens after all if that session ended a moment ago)
	if (verdict.decision !== 'open' && verdict.reason !== 'already_inside') {
		if (verdict.reason === 'hotlist') {
			await db.transaction(async (x) => {
				for (const hit of facts.hits) {
					await raiseAnomaly(x, {
						key: { kind: 'hotlist-hit', lotId: lot.id, sessionId: `capture-${capture.id}` },
						lotId: lot.id,
						plate,
						evidence: { hotlistId: hit.id, reason: hit.reason, priority: hit.priority, gateId: gate.id, captureId: capture.id, denied: true },
						at
					});
				}
			});
		}
		return { ...verdict, sessionId: null, amountDuePaise: 0 };
	}
	try {
		const { session } = await startSession(db, { lotId: lot.id, plate, at, gateId: gate.id, confidence }, { deviceId: gate.deviceKeyId }, settings);
		return { decision: 'open', reason: verdict.reason === 'already_inside' ? 'welcome' : verdict.reason, sessionId: session.id, amountDuePaise: 0 };
	} catch (error) {
		if (error instanceof AppError && error.code === 'already_parked') {
			return { decision: 'deny', reason: 'already_inside', sessionId: error.fields?.sessionId ?? null, amountDuePaise: 0 };
		}
		throw error;
	}
}

async function decideExit(deps: CaptureDeps, lot: LotRow, gate: GateRow, capture: CaptureRow, plate: string, confidence: number): Promise<Outcome> {
	const { db, settings } = deps;
	const at = capture.capturedAt;
	const out = await exitByPlate(db, { lotId: lot.id, plate, at, gateId: gate.id, confidence }, { deviceId: gate.deviceKeyId }, settings);
	if (out.kind === 'ended') {
		const s = out.session;
		const permit = typeof s.tariffSnapshot?.permitId === 'string';
		return { ...exitVerdict({ feePaise: s.feePaise ?? 0, paidPaise: s.paidPaise, permit }), sessionId: s.id };
	}
	if (out.kind === 'mismatch') return { decision: 'hold', reason: 'plate_mismatch', sessionId: out.candidates[0]?.sessionId ?? null, amountDuePaise: 0 };
	return { decision: 'hold', reason: 'no_entry', sessionId: null, amountDuePaise: 0 };
}

export interface CaptureView {
	id: string;
	gate_id: string;
	lot_id: string;
	captured_at: number;
	received_at: number;
	decision: Decision | null;
	reason: string | null;
	plate: string | null;
	confidence: number | null;
	session_id: string | null;
	amount_due: number | null;
	/** a short-lived link to the photo (null once the retention job removed it) */
	image_url: string | null;
}

/** Seconds an operator's link to a capture photo lasts. */
export const IMAGE_LINK_SECONDS = 300;

/**
 * A capture of a gate, with a short-lived link to its photo, for the operator resolving a hold.
 * @throws {AppError} 404
 */
export async function captureView(db: Database, images: ImageStore, gateId: string, captureId: string): Promise<CaptureView> {
	const row = await db.run((x) => findCaptureById(x, captureId));
	if (!row || row.gateId !== gateId) throw notFound('The capture');
	return {
		id: row.id,
		gate_id: row.gateId,
		lot_id: row.lotId,
		captured_at: row.capturedAt,
		received_at: row.receivedAt,
		decision: row.decision,
		reason: row.reason,
		plate: row.plate,
		confidence: row.confidence,
		session_id: row.sessionId,
		amount_due: row.amountDuePaise,
		image_url: row.imageKey ? await images.presignGet(row.imageKey, IMAGE_LINK_SECONDS) : null
	};
}
