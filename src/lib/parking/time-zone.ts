/**
 * Wall-clock arithmetic in a lot's IANA time zone, done with `Intl.DateTimeFormat` alone so the
 * rules need no time-zone library and stay pure: the zone database is the runtime's (ICU), and
 * every function takes the instant it works on instead of reading the clock.
 */

/** A calendar date in some zone; `month` is 1–12. */
export interface LocalDate {
	readonly year: number;
	readonly month: number;
	readonly day: number;
}

/** A wall-clock reading in some zone: a {@link LocalDate} plus hour (0–23), minute and second. */
export interface LocalDateTime extends LocalDate {
	readonly hour: number;
	readonly minute: number;
	readonly second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// Building a DateTimeFormat costs far more than formatting with one; rules call these helpers
// once or twice per local day of a stay, so keep one formatter per zone. Caching does not make
// the functions impure: a formatter's output depends only on its zone and the instant.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (formatter === undefined) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			// h23, not hour12:false: some ICU versions print midnight as "24" with the latter.
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/**
 * True when `name` is a time zone the runtime knows by an IANA name (`Asia/Kolkata`, `UTC`,
 * `America/Argentina/Buenos_Aires`). Offset strings such as `+05:30` are refused even though
 * recent runtimes accept them: a fixed offset silently ignores a lot's daylight-saving rules.
 */
export function isValidTimeZone(name: unknown): name is string {
	if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
	try {
		formatterFor(name);
		return true;
	} catch {
		return false;
	}
}

/**
 * The wall-clock reading at `utcMs` in `timeZone` (milliseconds dropped).
 * @throws RangeError when the zone is unknown
 */
export function localDateTimeAt(utcMs: number, timeZone: string): LocalDateTime {
	const fields: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(utcMs)) {
		if (part.type !== 'literal') fields[part.type] = Number(part.value);
	}
	return {
		year: fields.year ?? Number.NaN,
		month: fields.month ?? Number.NaN,
		day: fields.day ?? Number.NaN,
		hour: fields.hour ?? Number.NaN,
		minute: fields.minute ?? Number.NaN,
		second: fields.second ?? Number.NaN
	};
}

/**
 * The zone's offset from UTC at `utcMs`, in milliseconds (Asia/Kolkata: +19 800 000).
 * @throws RangeError when the zone is unknown
 */
export function offsetMsAt(utcMs: number, timeZone: string): number {
	const local = localDateTimeAt(utcMs, timeZone);
	const wholeSecondUtc = utcMs - (((utcMs % 1000) + 1000) % 1000);
	return wallClockAsUtc(local) - wholeSecondUtc;
}

/**
 * The local calendar date at `utcMs` in `timeZone`.
 * @throws RangeError when the zone is unknown
 */
export function localDateAt(utcMs: number, timeZone: string): LocalDate {
	const { year, month, day } = localDateTimeAt(utcMs, timeZone);
	return { year, month, day };
}

/** `YYYY-MM-DD` for a local date: a stable text form for keys and receipts. */
export function formatLocalDate({ year, month, day }: LocalDate): string {
	return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The calendar date `days` after (or before, when negative) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
	const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` at `minuteOfDay` (0–1439).
 *
 * Daylight-saving transitions are resolved the way Temporal's `compatible` option does: a
 * wall time skipped by a spring-forward gap maps to the instant after the gap (02:30 in New York
 * on a spring-forward day is 03:30 EDT), and a wall time repeated by a fall-back is the earlier
 * of its two instants. Assumes a zone changes its offset at most once within a day either side,
 * which holds for every zone in the IANA database in the years a parking lot cares about.
 * @throws RangeError when the zone is unknown
 */
export function wallTimeToUtc(date: LocalDate, minuteOfDay: number, timeZone: string): number {
	const asUtc = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE_MS;
	const offsetBefore = offsetMsAt(asUtc - DAY_MS, timeZone);
	const offsetAfter = offsetMsAt(asUtc + DAY_MS, timeZone);
	const exact = [offsetBefore, offsetAfter]
		.map((offset) => asUtc - offset)
		.filter((instant) => instant + offsetMsAt(instant, timeZone) === asUtc);
	if (exact.length > 0) return Math.min(...exact);
	// In a gap, the pre-transition offset lands past the gap by exactly its length.
	return asUtc - offsetBefore;
}

function wallClockAsUtc(local: LocalDateTime): number {
	return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}
