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
import { findGate, updateGate, type GateRow, type LotRow } from '../parking/lots.repo.ts';
import { hotlistOfPlate, permitsOfPlate } from '../parking/permits.repo.ts';
import { findActiveSession, findEntryContext, findSession, type SessionRow } from '../parking/sessions.repo.ts';
import { exitByPlate, startSession, type ParkingSettings } from '../parking/sessions.ts';
import type { ImageStore } from '../storage/storage.ts';
import { newKey } from '../storage/storage.ts';
import { findCapture, findCaptureById, findGateWithLot, insertCapture, lastExitCapture, releaseClaim, releaseStaleClaim, updateCapture, type CaptureRow } from './captures.repo.ts';
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

/** A gate checked against the caller's device key, with its lot. */
export interface CheckedGate {
	gate: GateRow;
	lot: LotRow;
}

/**
 * {@link gateOfDevice} and the gate's lot, in one round trip: what a capture needs first.
 * @throws {AppError} 404 no such gate (or lot), 403 another gate's key
 */
export async function gateAndLotOfDevice(db: Database, gateId: string, deviceId: string): Promise<CheckedGate> {
	const row = await db.run((x) => findGateWithLot(x, gateId));
	if (!row) throw notFound('The gate');
	if (row.gate.deviceKeyId !== deviceId) throw forbidden('This device key is not the key of this gate.');
	if (!row.lot) throw notFound('The gate\'s lot');
	return { gate: row.gate, lot: row.lot };
}

/**
 * The decisions being made in this process, by gate and idempotency key: a retry that arrives
 * while its first attempt is still being read waits for that attempt here instead of polling the
 * database (another instance's attempts are polled).
 */
const deciding = new Map<string, Promise<CaptureAnswer>>();
const decidingKey = (gateId: string, idempotencyKey: string) => `${gateId}\u0000${idempotencyKey}`;

/**
 * Handles one capture. The claim comes first, before the plate is read: a gate's retry that
 * arrives while the first attempt is still being read waits for its answer instead of reading the
 * same photo again (gates retry exactly when the server is slow). The photo is stored while it is
 * read.
 * @param input `checked`: the gate and lot from {@link gateAndLotOfDevice}, when the caller has them
 * @throws {AppError} 403/404 gate, 422 capture time or image, 415 not a JPEG, 503 reader busy
 */
export async function handleCapture(deps: CaptureDeps, input: CaptureInput & { checked?: CheckedGate }): Promise<CaptureResult> {
	const now = (deps.now ?? Date.now)();
	const { db } = deps;
	const { gate, lot } = input.checked ?? (await gateAndLotOfDevice(db, input.gateId, input.deviceId));
	if (input.capturedAt < now - CAPTURE_CLOCK.maxPastMs || input.capturedAt > now + CAPTURE_CLOCK.maxFutureMs) {
		throw new AppError(422, 'capture_time_off', 'The capture time is too far from the server\'s clock; check the gate\'s clock.', {
			'x-capture-time': `within 24 hours before and 5 minutes after ${new Date(now).toISOString()}`
		});
	}
	// contact, written at most every 10 s and not waited for: it is no part of the gate's answer
	if (gate.lastHeartbeatAt === null || now - gate.lastHeartbeatAt >= 10_000) {
		db.run((x) => updateGate(x, gate.id, { lastHeartbeatAt: now })).catch((e: unknown) => log('warn', 'gate contact not recorded', { gate_id: gate.id, error: String(e) }));
	}
	checkImage(input.image);

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
		plate: null,
		confidence: null,
		reason: null,
		sessionId: null,
		amountDuePaise: null,
		answer: null,
		updatedAt: now
	};
	for (let attempt = 1; ; attempt++) {
		try {
			await db.run((x) => insertCapture(x, claim));
			break;
		} catch (error) {
			if (!isUniqueViolation(error)) throw error;
		}
		// claimed already: by the first attempt (its answer is ours), or by a request that died
		const seen = await db.run((x) => findCapture(x, gate.id, input.idempotencyKey));
		if (!seen) {
			if (attempt < 3) continue; // released meanwhile: claim it again
			throw new AppError(503, 'capture_failed', 'The first attempt at this capture failed; retry.', undefined, { 'retry-after': '1' });
		}
		const stale = seen.status === 'processing' && seen.updatedAt < now - STALE_CLAIM_MS;
		if (!stale || attempt >= 3 || !(await db.run((x) => releaseStaleClaim(x, seen.id, now - STALE_CLAIM_MS)))) {
			return { answer: await answerOf(db, seen), replayed: true };
		}
	}

	const key = decidingKey(gate.id, input.idempotencyKey);
	const decision = decideClaimed(deps, lot, gate, claim, input.image, now);
	deciding.set(key, decision);
	decision.catch(() => {}); // a retry waiting on it sees the failure; nobody else must
	try {
		return { answer: await decision, replayed: false };
	} finally {
		deciding.delete(key);
	}
}

/** Reads, stores, decides and answers a capture this request has claimed; releases the claim when it fails. */
async function decideClaimed(deps: CaptureDeps, lot: LotRow, gate: GateRow, claim: CaptureRow, image: Uint8Array, now: number): Promise<CaptureAnswer> {
	const { db } = deps;
	const release = () => db.run((x) => releaseClaim(x, claim.id)).catch((e: unknown) => log('error', 'capture claim not released', { gate_id: gate.id, capture_id: claim.id, error: String(e) }));
	const imageKey = newKey('captures/', 'image/jpeg', claim.capturedAt, gate.id);
	// the photo is stored while the plate is read (an S3 upload costs no time of its own)
	const [read, stored] = await Promise.allSettled([readPlate(deps.reader, image, lot.country), deps.images.put(imageKey, image, 'image/jpeg')]);
	if (read.status === 'rejected') {
		// a photo the decoder refused (or a reader that failed) leaves nothing behind
		if (stored.status === 'fulfilled') await deps.images.delete(imageKey).catch((e: unknown) => log('warn', 'capture image not removed', { gate_id: gate.id, key: imageKey, error: String(e) }));
		await release();
		throw read.reason;
	}
	if (stored.status === 'rejected') {
		log('error', 'capture image not stored', { gate_id: gate.id, capture_id: claim.id, error: String(stored.reason) });
		await release();
		throw new AppError(503, 'storage_unavailable', 'The image could not be stored; try again.', undefined, { 'retry-after': '2' });
	}
	const reading = read.value;
	Object.assign(claim, { imageKey, plate: reading.plate, confidence: reading.confidence });

	// The decision, its effects (a session started or ended, anomalies) and the stored answer are
	// one transaction: a failure anywhere leaves none of them, and the gate's retry decides afresh.
	// Were they separate, a session started by an attempt that then failed would make the retry
	// answer `already_inside` (or `no_entry` at an exit) for the car that attempt let in.
	for (let attempt = 1; ; attempt++) {
		try {
			return await db.transaction(async (x) => {
				const outcome = await decide({ ...deps, db: within(x) }, lot, gate, claim, reading);
				const answer: CaptureAnswer = {
					capture_id: claim.id,
					decision: outcome.decision,
					plate: reading.plate,
					confidence: round(reading.confidence),
					reason: outcome.reason,
					session_id: outcome.sessionId,
					amount_due: outcome.amountDuePaise,
					display: display(outcome, reading.plate, outcome.amountDuePaise, lot.currency)
				};
				await updateCapture(x, claim.id, {
					status: 'done',
					imageKey,
					plate: reading.plate,
					confidence: reading.confidence,
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
			await release();
			throw error;
		}
	}
}

function round(n: number): number {
	return Math.round(n * 1000) / 1000;
}

/** The stored answer of a claimed capture, waiting (briefly) for one still being decided. */
async function answerOf(db: Database, row: CaptureRow): Promise<CaptureAnswer> {
	const here = row.status === 'done' ? undefined : deciding.get(decidingKey(row.gateId, row.idempotencyKey));
	if (here) {
		// the first attempt is this process's: its outcome, as soon as it has one
		return here.catch(() => {
			throw new AppError(503, 'capture_failed', 'The first attempt at this capture failed; retry.', undefined, { 'retry-after': '1' });
		});
	}
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
		// `run`, not `transaction`: this is the capture's own transaction already, and nothing
		// carries on after a failure here, so a savepoint would only add two round trips
		await db.run((x) =>
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
	if (gate.direction === 'entry') return decideEntry(deps, lot, gate, capture, plate, read.confidence, await db.run((x) => findActiveSession(x, lot.id, plate)));
	if (gate.direction === 'exit') {
		// exitByPlate looks for the session itself: ask first only whether a gate just let this car out
		const again = await sameCarLeaving(db, lot, capture, plate, () => db.run((x) => findActiveSession(x, lot.id, plate)));
		return again ?? decideExit(deps, lot, gate, capture, plate, read.confidence);
	}
	const inside = await db.run((x) => findActiveSession(x, lot.id, plate));
	if (inside) return decideExit(deps, lot, gate, capture, plate, read.confidence);
	return (await sameCarLeaving(db, lot, capture, plate, async () => undefined)) ?? decideEntry(deps, lot, gate, capture, plate, read.confidence, undefined);
}

/**
 * A plate with no session inside, photographed at a gate it could leave by, that a gate just let
 * out or holds for payment: the same car still at the barrier (a second trigger, a second camera,
 * a driver who went to pay). It gets the exit's answer again, as the session stands now (paid
 * since?), rather than being taken for a car that never came in (exit-without-entry) or, at a gate
 * for both directions, for a new arrival. The hold lasts {@link PAYMENT_HOLD_MS}; a car let out
 * is the same car for {@link RECENT_EXIT_MS}, after which it may come back in.
 * @param activeSession the plate's active session in the lot (asked only when a gate let it out lately)
 */
async function sameCarLeaving(db: Database, lot: LotRow, capture: CaptureRow, plate: string, activeSession: () => Promise<unknown>): Promise<Outcome | null> {
	const last = await db.run((x) => lastExitCapture(x, lot.id, plate, capture.receivedAt - PAYMENT_HOLD_MS));
	if (!last?.sessionId) return null;
	// back inside since (it came in again): not the car at the exit barrier
	if (await activeSession()) return null;
	const session = await db.run((x) => findSession(x, last.sessionId!));
	if (!session || session.status !== 'completed' || session.exitAt === null) return null;
	if (last.reason !== 'payment_due' && Math.abs(capture.capturedAt - session.exitAt) > RECENT_EXIT_MS) return null;
	const v = exitVerdict({ feePaise: session.feePaise ?? 0, paidPaise: session.paidPaise, permit: typeof session.tariffSnapshot?.permitId === 'string' });
	return { ...v, sessionId: session.id };
}

async function decideEntry(deps: CaptureDeps, lot: LotRow, gate: GateRow, capture: CaptureRow, plate: string, confidence: number, active: SessionRow | undefined): Promise<Outcome> {
	const { db, settings } = deps;
	const at = capture.capturedAt;
	const facts = await db.run(async (x) => {
		// one round trip for the flags and the occupancy; the permits and hotlist rows only when there are some
		const context = await findEntryContext(x, lot.id, plate, at);
		const permits = context?.hasPermits ? await permitsOfPlate(x, plate, at) : [];
		const hits = context?.onHotlist ? await hotlistOfPlate(x, plate, at) : [];
		return {
			alreadyInside: active !== undefined,
			permit: permits.some((p) => p.validFrom <= at && at < p.validUntil && p.lotIds.includes(lot.id)),
			hotlisted: hits.length > 0,
			hits,
			occupied: context?.occupancy.car ?? 0,
			capacity: lot.capacity.car ?? 0
		};
	});
	const verdict = entryVerdict(facts);
	// already inside: starting the session anyway records the duplicate entry on the one that holds
	// the lot (and opens after all if that session ended a moment ago)
	if (verdict.decision !== 'open' && verdict.reason !== 'already_inside') {
		if (verdict.reason === 'hotlist') {
			await db.run(async (x) => {
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
	let out: Awaited<ReturnType<typeof exitByPlate>>;
	try {
		out = await exitByPlate(db, { lotId: lot.id, plate, at, gateId: gate.id, confidence }, { deviceId: gate.deviceKeyId }, settings);
	} catch (error) {
		// taken before the plate's session began: a capture delivered late (a gate's offline queue,
		// retries through an outage) can't be that session's exit. Nothing was written; a person looks.
		if (error instanceof AppError && error.code === 'exit_before_entry') return { decision: 'hold', reason: 'no_entry', sessionId: null, amountDuePaise: 0 };
		throw error;
	}
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
