/**
 * Bucketing instants by a lot's local day and hour inside SQL, on both engines, without the
 * engines' own time-zone support (SQLite has none; MariaDB's needs its zone tables loaded).
 *
 * A range is cut into segments of constant UTC offset (one segment in Asia/Kolkata, three over a
 * year in New York); the SQL adds the segment's offset to an instant (`CASE` on the boundaries)
 * and divides: `floor((t + offset) / 1 h)` is a local-hour index, whose value read as UTC epoch
 * hours is the wall-clock hour. Pure: everything here is a function of its inputs.
 */
import { addDays, formatLocalDate, offsetMsAt, wallTimeToUtc, type LocalDate } from '../../parking/time-zone.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** `[from, until)` with one UTC offset throughout. */
export interface OffsetSegment {
	from: number;
	until: number;
	offsetMs: number;
}

/**
 * The segments of constant offset that cover `[from, until)` in `timeZone`, in order.
 * Offsets are probed every 6 hours and each change is found to the millisecond by bisection
 * (zones change offset at most once in 6 hours). A zone's segments are worked out once per UTC
 * year and kept for the process (they depend on the runtime's zone data alone; a year takes
 * ~1,500 `Intl` calls, which a year-long report would otherwise pay for every lot).
 * @throws RangeError when the zone is unknown or `until <= from`
 */
export function offsetSegments(from: number, until: number, timeZone: string): OffsetSegment[] {
	if (!(until > from)) throw new RangeError(`empty range: ${from} … ${until}`);
	const out: OffsetSegment[] = [];
	for (let year = new Date(from).getUTCFullYear(); year <= new Date(until - 1).getUTCFullYear(); year++) {
		for (const s of yearSegments(year, timeZone)) {
			const a = Math.max(s.from, from);
			const b = Math.min(s.until, until);
			if (a >= b) continue;
			const last = out[out.length - 1];
			if (last && last.offsetMs === s.offsetMs && last.until === a) last.until = b;
			else out.push({ from: a, until: b, offsetMs: s.offsetMs });
		}
	}
	return out;
}

const byYear = new Map<string, readonly OffsetSegment[]>();

function yearSegments(year: number, timeZone: string): readonly OffsetSegment[] {
	const key = `${timeZone}\u0000${year}`;
	let segments = byYear.get(key);
	if (!segments) {
		const start = (y: number) => new Date(0).setUTCFullYear(y, 0, 1);
		segments = probeSegments(start(year), start(year + 1), timeZone);
		if (byYear.size > 10_000) byYear.clear();
		byYear.set(key, segments);
	}
	return segments;
}

/** `offsetSegments` worked out afresh for the range alone (what the kept years must agree with). */
export function probeSegments(from: number, until: number, timeZone: string): OffsetSegment[] {
	const STEP = 6 * HOUR_MS;
	const segments: OffsetSegment[] = [];
	let start = from;
	let offset = offsetMsAt(from, timeZone);
	for (let probe = from; probe < until; ) {
		const next = Math.min(probe + STEP, until - 1);
		const nextOffset = offsetMsAt(next, timeZone);
		if (nextOffset !== offset) {
			// the first instant in (probe, next] with the new offset
			let lo = probe;
			let hi = next;
			while (hi - lo > 1) {
				const mid = Math.floor((lo + hi) / 2);
				if (offsetMsAt(mid, timeZone) === offset) lo = mid;
				else hi = mid;
			}
			segments.push({ from: start, until: hi, offsetMs: offset });
			start = hi;
			offset = nextOffset;
		}
		if (next === until - 1) break;
		probe = next;
	}
	segments.push({ from: start, until, offsetMs: offset });
	return segments;
}

/** The offset an instant gets from `segments` (the last segment's past the end, the first's before). */
export function offsetIn(segments: readonly OffsetSegment[], at: number): number {
	for (const s of segments) if (at < s.until) return s.offsetMs;
	return segments[segments.length - 1]!.offsetMs;
}

/** The local-hour index of an instant: wall-clock epoch hours. */
export const localHourIndex = (at: number, segments: readonly OffsetSegment[]) => Math.floor((at + offsetIn(segments, at)) / HOUR_MS);
/** The local-day index of an instant: wall-clock epoch days. */
export const localDayIndex = (at: number, segments: readonly OffsetSegment[]) => Math.floor((at + offsetIn(segments, at)) / DAY_MS);

/** The local date of a local-day index. */
export function dateOfDayIndex(day: number): LocalDate {
	const d = new Date(day * DAY_MS);
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export const dayIndexOfDate = (date: LocalDate) => Math.floor(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);

/** Hour of day (0–23) and weekday (0 Monday … 6 Sunday) of a local-hour index. */
export function hourOfIndex(hourIndex: number): { date: string; hour: number; weekday: number } {
	const d = new Date(hourIndex * HOUR_MS);
	return {
		date: formatLocalDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }),
		hour: d.getUTCHours(),
		weekday: (d.getUTCDay() + 6) % 7
	};
}

/**
 * The local-hour indices that exist in `segments`, ascending: a spring-forward gap leaves one
 * out, a fall-back hour appears once (both of its instants fall in it).
 */
export function hourIndicesOf(segments: readonly OffsetSegment[]): number[] {
	const out = new Set<number>();
	for (const s of segments) {
		const first = Math.floor((s.from + s.offsetMs) / HOUR_MS);
		const last = Math.floor((s.until - 1 + s.offsetMs) / HOUR_MS);
		for (let h = first; h <= last; h++) out.add(h);
	}
	return [...out].sort((a, b) => a - b);
}

/** A report's window: local dates `from` … `to` (inclusive) in a lot's zone, as instants. */
export interface LocalRange {
	fromDate: string;
	toDate: string;
	from: number;
	until: number;
	days: number;
}

/**
 * The instants of local midnight at the start of `from` and after the end of `to`.
 * @throws RangeError when `to` is before `from` or the zone is unknown
 */
export function localRange(from: LocalDate, to: LocalDate, timeZone: string): LocalRange {
	const days = dayIndexOfDate(to) - dayIndexOfDate(from) + 1;
	if (days < 1) throw new RangeError('the range ends before it starts');
	return {
		fromDate: formatLocalDate(from),
		toDate: formatLocalDate(to),
		from: wallTimeToUtc(from, 0, timeZone),
		until: wallTimeToUtc(addDays(to, 1), 0, timeZone),
		days
	};
}

/** `YYYY-MM-DD` → a local date, or null when it isn't a real calendar date. */
export function parseLocalDate(text: string): LocalDate | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!m) return null;
	const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
	const check = dateOfDayIndex(dayIndexOfDate(date));
	return check.year === date.year && check.month === date.month && check.day === date.day ? date : null;
}
