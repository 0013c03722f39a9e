/**
 * The rules of delivering an SMS, as functions of their inputs (time and randomness passed in):
 * retry backoff with jitter, quiet hours in the lot's time zone, the order of Twilio's statuses,
 * and STOP / START keywords.
 */
import { addDays, localDateTimeAt, wallTimeToUtc } from '../time-zone.ts';

export interface BackoffOptions {
	baseMs: number;
	capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, capMs: 15 * 60_000 };

/**
 * The wait before retry number `attempt` (1 for the first retry): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that senders which failed together spread out.
 * @param random a number in [0, 1), e.g. `Math.random()`
 */
export function retryDelayMs(attempt: number, random: number, { baseMs, capMs }: BackoffOptions = DEFAULT_BACKOFF): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
	return Math.floor(ceiling / 2 + (Math.min(Math.max(random, 0), 1) * ceiling) / 2);
}

/** Quiet hours as minutes of the local day, `from` inclusive to `until` exclusive (may wrap midnight). */
export interface QuietHours {
	fromMinute: number;
	untilMinute: number;
}

/**
 * Reads `HH:MM-HH:MM` (e.g. `21:00-08:00`), or `off`.
 * @returns null for `off`, undefined for a malformed value
 */
export function parseQuietHours(text: string): QuietHours | null | undefined {
	if (text.trim().toLowerCase() === 'off') return null;
	const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
	if (!m) return undefined;
	const fromMinute = Number(m[1]) * 60 + Number(m[2]);
	const untilMinute = Number(m[3]) * 60 + Number(m[4]);
	return fromMinute === untilMinute ? undefined : { fromMinute, untilMinute };
}

/**
 * When a non-urgent message may go out: `now` outside quiet hours, else the instant they end in
 * `timeZone`.
 * @example quietHoursEnd(Date.UTC(2026, 0, 1, 17, 0), 'Asia/Kolkata', { fromMinute: 1260, untilMinute: 480 })
 *   // 22:30 in Kolkata → 08:00 the next morning there, Date.UTC(2026, 0, 2, 2, 30)
 */
export function quietHoursEnd(now: number, timeZone: string, quiet: QuietHours | null): number {
	if (!quiet) return now;
	const local = localDateTimeAt(now, timeZone);
	const minute = local.hour * 60 + local.minute;
	const { fromMinute, untilMinute } = quiet;
	const wraps = fromMinute > untilMinute;
	const inside = wraps ? minute >= fromMinute || minute < untilMinute : minute >= fromMinute && minute < untilMinute;
	if (!inside) return now;
	const today = { year: local.year, month: local.month, day: local.day };
	const endDay = wraps && minute >= fromMinute ? addDays(today, 1) : today;
	return Math.max(now, wallTimeToUtc(endDay, untilMinute, timeZone));
}

/** Twilio's message statuses, by how far along they are. */
const STATUS_RANK: Record<string, number> = {
	accepted: 0,
	scheduled: 0,
	queued: 1,
	sending: 2,
	sent: 3,
	delivered: 4,
	undelivered: 4,
	failed: 4,
	canceled: 4,
	read: 5
};

export const TWILIO_STATUSES = Object.keys(STATUS_RANK);

/**
 * The status to keep when `incoming` arrives (callbacks come out of order): it moves forward,
 * never back, and a final status (delivered, undelivered, failed) is not replaced by another.
 */
export function advanceStatus(current: string | null, incoming: string): string | null {
	// own keys only: `constructor` is on every object's prototype, not a Twilio status
	const next = Object.hasOwn(STATUS_RANK, incoming) ? STATUS_RANK[incoming] : undefined;
	if (next === undefined) return current;
	if (current === null) return incoming;
	const now = (Object.hasOwn(STATUS_RANK, current) ? STATUS_RANK[current] : undefined) ?? -1;
	if (next === 4 && now === 4) return current;
	return next > now ? incoming : current;
}

/** What an inbound SMS asks for: Twilio's standard opt-out and opt-in keywords. */
export function keywordOf(body: string): 'stop' | 'start' | null {
	const word = body.trim().toUpperCase().replace(/[.!]+$/, '');
	if (['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE'].includes(word)) return 'stop';
	if (['START', 'YES', 'UNSTOP', 'OPTIN'].includes(word)) return 'start';
	return null;
}
