/**
 * Option parsing shared by `npm run simulate` and `npm run eval:anomalies`: every option is
 * checked before anything opens a database, and a bad one ends the process with exit code 2 and
 * a message that names it.
 */
import { isValidTimeZone, wallTimeToUtc } from '../src/lib/parking/index.ts';

/** Exit code for bad options (nothing was written). */
export const USAGE_EXIT = 2;

/** Thrown for a bad option; the scripts print the message and exit with {@link USAGE_EXIT}. */
export class UsageError extends Error {
	override name = 'UsageError';
}

/**
 * A whole number option within `min`–`max`, or `fallback` when not given.
 * @throws {UsageError}
 */
export function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
	if (raw === undefined) return fallback;
	const value = Number(raw);
	if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
		throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
	}
	return value;
}

/**
 * A positive number of hours (fractions allowed, e.g. 1.5), at most `max`.
 * @throws {UsageError}
 */
export function hoursOption(raw: string | undefined, fallback: number, max: number): number {
	if (raw === undefined) return fallback;
	const value = Number(raw);
	if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max) {
		throw new UsageError(`--hours must be a number of hours above 0 and at most ${max}, got "${raw}"`);
	}
	return value;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The start of a window: `YYYY-MM-DD` (local midnight in `timeZone`), `YYYY-MM-DDTHH:MM` (local
 * wall time) or an ISO instant with `Z` or an offset.
 * @throws {UsageError} for any other form, a date that does not exist, or an unknown zone
 * @example parseStart('2026-03-02', 'Asia/Kolkata') // 2026-03-01T18:30:00Z
 */
export function parseStart(raw: string, timeZone: string): number {
	if (!isValidTimeZone(timeZone)) throw new UsageError(`unknown time zone ${timeZone}`);
	const text = raw.trim();
	if (INSTANT.test(text)) {
		const ms = Date.parse(text);
		if (Number.isSafeInteger(ms)) return ms;
	}
	const m = DATE.exec(text) ?? LOCAL_DATE_TIME.exec(text);
	if (m) {
		const [year, month, day, hour = 0, minute = 0] = m.slice(1).map(Number) as number[];
		const probe = new Date(Date.UTC(year!, month! - 1, day!));
		const real = probe.getUTCFullYear() === year && probe.getUTCMonth() === month! - 1 && probe.getUTCDate() === day;
		if (real && hour! < 24 && minute! < 60) return wallTimeToUtc({ year: year!, month: month!, day: day! }, hour! * 60 + minute!, timeZone);
	}
	throw new UsageError(`--start must be YYYY-MM-DD, YYYY-MM-DDTHH:MM (local time of the lot) or an ISO instant such as 2026-03-02T09:00Z, got "${raw}"`);
}

/** `12.3 s` or `850 ms`. */
export function elapsed(sinceMs: number): string {
	const ms = performance.now() - sinceMs;
	return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
