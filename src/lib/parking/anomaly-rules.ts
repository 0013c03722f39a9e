/**
 * The decisions behind SPMS's anomalies, as pure functions of plain values: the server gathers
 * the facts (open sessions, permits, occupancy, the clock) and asks these rules what they mean.
 */
import { normalisePlate } from './plates.ts';
import { findConfusableMatches } from './similarity.ts';
import { formatLocalDate, localDateAt } from './time-zone.ts';

/** Every kind of anomaly the rules can raise. */
export const ANOMALY_KINDS = [
	'duplicate-entry',
	'plate-mismatch',
	'exit-without-entry',
	'unreadable-plate',
	'long-stay',
	'permit-expired-while-parked',
	'hotlist-hit',
	'low-confidence',
	'over-capacity'
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

const MINUTE_MS = 60_000;

/**
 * An entry read is a duplicate when the plate already has an open session in the lot: the first
 * session stays open, the new read becomes an anomaly instead of a second session.
 */
export function duplicateEntry(activeSessionExists: boolean): boolean {
	return activeSessionExists;
}

/** What {@link exitMatch} needs of an open session. */
export interface OpenSession {
	readonly id: string;
	readonly plate: string;
}

/**
 * How an exit read relates to the lot's open sessions, and the anomaly that raises, if any.
 * - `exact`: one open session has the read plate; close it.
 * - `confusable`: no exact match, but plates a misread character away; a person confirms which.
 * - `duplicate`: several open sessions have exactly the read plate; a duplicate entry slipped in.
 * - `none`: nothing close; the car left without an entry on record.
 * - `unreadable`: the read is not plate text at all.
 */
export type ExitMatch<S extends OpenSession> =
	| { readonly kind: 'exact'; readonly session: S; readonly anomaly: null }
	| {
			readonly kind: 'confusable';
			readonly candidates: readonly { readonly session: S; readonly cost: number }[];
			readonly anomaly: 'plate-mismatch';
	  }
	| { readonly kind: 'duplicate'; readonly sessions: readonly S[]; readonly anomaly: 'duplicate-entry' }
	| { readonly kind: 'none'; readonly anomaly: 'exit-without-entry' }
	| { readonly kind: 'unreadable'; readonly anomaly: 'unreadable-plate' };

/**
 * Matches an exit read against the lot's open sessions. A confusable candidate is never closed
 * automatically: it is reported as a plate mismatch, cheapest candidate first, for a person (or a
 * later rule) to confirm, so a misread never moves one car's fee to another.
 * @param maxCost largest plate distance (`plateDistance`) still offered as a candidate (default 1)
 */
export function exitMatch<S extends OpenSession>(
	read: string,
	activeSessions: readonly S[],
	{ maxCost = 1 }: { maxCost?: number } = {}
): ExitMatch<S> {
	if (!normalisePlate(read).ok) return { kind: 'unreadable', anomaly: 'unreadable-plate' };
	const matches = findConfusableMatches(
		read,
		activeSessions.map((session) => session.plate),
		{ maxCost }
	).flatMap((match) => {
		const session = activeSessions[match.index];
		return session === undefined ? [] : [{ session, cost: match.cost }];
	});
	const [first] = matches;
	if (first === undefined) return { kind: 'none', anomaly: 'exit-without-entry' };
	if (first.cost > 0) return { kind: 'confusable', candidates: matches, anomaly: 'plate-mismatch' };
	if (matches.length === 1) return { kind: 'exact', session: first.session, anomaly: null };
	return { kind: 'duplicate', sessions: matches.map((match) => match.session), anomaly: 'duplicate-entry' };
}

/**
 * True once a vehicle has been parked for at least `thresholdMinutes`.
 * @throws RangeError when the threshold is not a positive number of minutes
 */
export function isLongStay(entryMs: number, nowMs: number, thresholdMinutes: number): boolean {
	if (!(thresholdMinutes > 0) || !Number.isFinite(thresholdMinutes)) {
		throw new RangeError(`thresholdMinutes must be a positive number, got ${thresholdMinutes}`);
	}
	return nowMs - entryMs >= thresholdMinutes * MINUTE_MS;
}

/** A permit's validity, `validUntilMs` exclusive. */
export interface PermitValidity {
	readonly validFromMs: number;
	readonly validUntilMs: number;
}

/**
 * True when the permit covered the vehicle at entry and has lapsed by `nowMs` while it is still
 * parked. A permit that was not valid at entry never covered the stay: that is an ordinary paid
 * stay, not this anomaly.
 */
export function permitExpiredWhileParked(permit: PermitValidity, entryMs: number, nowMs: number): boolean {
	const validAtEntry = permit.validFromMs <= entryMs && entryMs < permit.validUntilMs;
	return validAtEntry && permit.validUntilMs <= nowMs;
}

/** The read confidence a lot needs, unless configured otherwise (`OCR_CONFIDENCE_THRESHOLD`). */
export const DEFAULT_OCR_CONFIDENCE_THRESHOLD = 0.8;

/**
 * True when a read's confidence is below the threshold. A missing or NaN confidence counts as low:
 * a read nobody vouches for must not open or close a session silently.
 * @throws RangeError when the threshold is not within 0–1
 */
export function isLowConfidence(confidence: number | null | undefined, threshold: number): boolean {
	if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be within 0–1, got ${threshold}`);
	return !(confidence !== null && confidence !== undefined && confidence >= threshold);
}

/**
 * True when more vehicles are inside than the lot has spaces. Full (equal) is not over capacity.
 * @throws RangeError when either count is not a whole number >= 0
 */
export function overCapacity(occupied: number, capacity: number): boolean {
	for (const [name, value] of [['occupied', occupied], ['capacity', capacity]] as const) {
		if (!Number.isSafeInteger(value) || value < 0) {
			throw new RangeError(`${name} must be a whole number >= 0, got ${value}`);
		}
	}
	return occupied > capacity;
}

/** What identifies one occurrence of an anomaly, per kind. */
export type AnomalyKeyInput =
	| {
			readonly kind: 'duplicate-entry' | 'long-stay' | 'permit-expired-while-parked' | 'hotlist-hit';
			readonly lotId: string;
			readonly sessionId: string;
	  }
	| {
			readonly kind: 'plate-mismatch' | 'exit-without-entry' | 'low-confidence';
			readonly lotId: string;
			readonly plate: string;
			readonly atMs: number;
			readonly timeZone: string;
	  }
	| { readonly kind: 'over-capacity'; readonly lotId: string; readonly atMs: number; readonly timeZone: string }
	| { readonly kind: 'unreadable-plate'; readonly lotId: string; readonly eventId: string };

/**
 * A stable key that is the same for repeats of one anomaly, so the server can upsert on it
 * instead of raising the same alert for every camera frame:
 * - per session: duplicate entry, long stay, permit expired while parked, hotlist hit (one
 *   alert per session however many hotlist entries the plate matches);
 * - per plate, lot and local day (in the lot's zone): plate mismatch, exit without entry, low
 *   confidence (plates normalised, so `KA 01` and `KA01` are one);
 * - per lot and local day: over capacity; per read event: unreadable plate.
 * Parts are URI-encoded, so no id containing `:` can make two keys collide.
 * @throws RangeError when a zone is needed and unknown
 * @example anomalyKey({ kind: 'long-stay', lotId: 'lot1', sessionId: 's9' }) // 'long-stay:lot1:s9'
 */
export function anomalyKey(input: AnomalyKeyInput): string {
	const parts = ((): string[] => {
		switch (input.kind) {
			case 'duplicate-entry':
			case 'long-stay':
			case 'permit-expired-while-parked':
			case 'hotlist-hit':
				return [input.lotId, input.sessionId];
			case 'plate-mismatch':
			case 'exit-without-entry':
			case 'low-confidence': {
				const plate = normalisePlate(input.plate);
				return [input.lotId, plate.ok ? plate.value : input.plate, localDay(input.atMs, input.timeZone)];
			}
			case 'over-capacity':
				return [input.lotId, localDay(input.atMs, input.timeZone)];
			case 'unreadable-plate':
				return [input.lotId, input.eventId];
		}
	})();
	return [input.kind, ...parts].map(encodeURIComponent).join(':');
}

function localDay(atMs: number, timeZone: string): string {
	return formatLocalDate(localDateAt(atMs, timeZone));
}
