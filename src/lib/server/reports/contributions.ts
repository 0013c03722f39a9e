/**
 * What one session or payment adds to the reports, as zone-free contributions at instants, and
 * how contributions fold into the rollups' local hours and days. Pure: the report queries, the
 * deltas written with every change and the rollups are all defined by these few lines.
 *
 * A session that is active or completed is an entry at `entryAt`. A completed session with an
 * exit time is an exit at `exitAt` and a stay of `exitAt - entryAt` ending then. A completed
 * session leaves (stops counting as inside) at `max(entryAt, exitAt)`, or at its entry when it
 * has no exit time: "inside at t" (entered before t, not voided, not completed before t) is then
 * entries before t minus leavings before t. A payment counts in its own lot, at its instant,
 * under its session's vehicle class and its method.
 */
import { DAY_MS, HOUR_MS, offsetIn, offsetSegments, type OffsetSegment } from './time-buckets.ts';

/** The stay-length buckets, in minutes: under 30 min, 30 min–1 h, … , 24 h and more. */
export const STAY_BUCKETS_MINUTES = [30, 60, 120, 240, 480, 1440] as const;

/**
 * What the rollups depend on besides the rows: the bucket bounds and the runtime's zone data.
 * A lot's rollups built under another version are rebuilt, and reported raw until then.
 */
export const ROLLUP_VERSION = `r1;stays ${STAY_BUCKETS_MINUTES.join(',')};tz ${process.versions.tz ?? 'unknown'}`;

export type ContributionKind = 'entry' | 'exit' | 'leave' | 'stay' | 'payment';

/** One row of `report_deltas` without its id. */
export interface Contribution {
	lotId: string;
	kind: ContributionKind;
	at: number;
	vehicleClass: string | null;
	method: string | null;
	/** 1 added, -1 taken away */
	n: number;
	/** paise for a payment, stay length in ms for a stay, else 0 */
	amount: number;
}

/** The fields of a session the reports read. */
export interface SessionFacts {
	lotId: string;
	status: string;
	entryAt: number;
	exitAt: number | null;
	vehicleClass: string;
}

/** The fields of a payment the reports read, with its session's vehicle class. */
export interface PaymentFacts {
	lotId: string;
	at: number;
	method: string;
	amountPaise: number;
	vehicleClass: string;
}

/** A session's contributions (none for a voided one). */
export function sessionContributions(s: SessionFacts, n = 1): Contribution[] {
	const out: Contribution[] = [];
	const c = (kind: ContributionKind, at: number, vehicleClass: string | null = null, amount = 0) => out.push({ lotId: s.lotId, kind, at, vehicleClass, method: null, n, amount });
	if (s.status !== 'active' && s.status !== 'completed') return out;
	c('entry', s.entryAt);
	if (s.status === 'completed') {
		if (s.exitAt !== null) {
			c('exit', s.exitAt);
			c('stay', s.exitAt, s.vehicleClass, s.exitAt - s.entryAt);
		}
		c('leave', s.exitAt === null ? s.entryAt : Math.max(s.entryAt, s.exitAt));
	}
	return out;
}

export function paymentContribution(p: PaymentFacts, n = 1): Contribution {
	return { lotId: p.lotId, kind: 'payment', at: p.at, vehicleClass: p.vehicleClass, method: p.method, n, amount: p.amountPaise };
}

const keyOf = (c: Contribution) => `${c.lotId}\u0000${c.kind}\u0000${c.at}\u0000${c.vehicleClass}\u0000${c.method}\u0000${c.amount}`;

/**
 * What changed between two versions of a row's contributions: the new ones added, the old ones
 * taken away, those in both left out (ending a session adds its exit, not its entry again).
 */
export function difference(before: readonly Contribution[], after: readonly Contribution[]): Contribution[] {
	const net = new Map<string, Contribution>();
	for (const [list, sign] of [
		[before, -1],
		[after, 1]
	] as const) {
		for (const c of list) {
			const k = keyOf(c);
			const prev = net.get(k);
			net.set(k, { ...c, n: (prev?.n ?? 0) + sign * c.n });
		}
	}
	return [...net.values()].filter((c) => c.n !== 0);
}

/** Index of a stay length in the buckets (the last is "24 h or more"); as the SQL's CASE does. */
export function stayBucket(lengthMs: number): number {
	const i = STAY_BUCKETS_MINUTES.findIndex((m) => lengthMs < m * 60_000);
	return i < 0 ? STAY_BUCKETS_MINUTES.length : i;
}

/** The rollup rows' sums, keyed by their primary keys (without the lot). */
export interface Folded {
	hours: Map<number, { entries: number; exits: number; leaves: number }>;
	revenue: Map<string, { day: number; vehicleClass: string; method: string; paise: number; payments: number }>;
	stays: Map<string, { day: number; vehicleClass: string; bucket: number; stays: number; totalMs: number }>;
}

export const emptyFolded = (): Folded => ({ hours: new Map(), revenue: new Map(), stays: new Map() });

/**
 * Adds one lot's contributions to `into` by local hour (entries, exits, leavings) and local day
 * (stays by exit, payments) in `timeZone`, with the offsets the report queries use.
 */
export function fold(into: Folded, contributions: readonly Contribution[], timeZone: string): Folded {
	if (contributions.length === 0) return into;
	let lo = Infinity;
	let hi = -Infinity;
	for (const c of contributions) {
		lo = Math.min(lo, c.at);
		hi = Math.max(hi, c.at);
	}
	const segments: OffsetSegment[] = offsetSegments(lo, hi + 1, timeZone);
	for (const c of contributions) {
		const local = c.at + offsetIn(segments, c.at);
		if (c.kind === 'entry' || c.kind === 'exit' || c.kind === 'leave') {
			const hour = Math.floor(local / HOUR_MS);
			const h = into.hours.get(hour) ?? { entries: 0, exits: 0, leaves: 0 };
			if (c.kind === 'entry') h.entries += c.n;
			else if (c.kind === 'exit') h.exits += c.n;
			else h.leaves += c.n;
			into.hours.set(hour, h);
		} else if (c.kind === 'stay') {
			const day = Math.floor(local / DAY_MS);
			const bucket = stayBucket(c.amount);
			const k = `${day}\u0000${c.vehicleClass}\u0000${bucket}`;
			const s = into.stays.get(k) ?? { day, vehicleClass: c.vehicleClass ?? '', bucket, stays: 0, totalMs: 0 };
			s.stays += c.n;
			s.totalMs += c.n * c.amount;
			into.stays.set(k, s);
		} else {
			const day = Math.floor(local / DAY_MS);
			const k = `${day}\u0000${c.vehicleClass}\u0000${c.method}`;
			const r = into.revenue.get(k) ?? { day, vehicleClass: c.vehicleClass ?? '', method: c.method ?? '', paise: 0, payments: 0 };
			r.paise += c.n * c.amount;
			r.payments += c.n;
			into.revenue.set(k, r);
		}
	}
	return into;
}

/**
 * Whether `at` cuts `timeZone`'s local days cleanly at day index `day`: every instant before it
 * falls in an earlier local day and every instant from it on in `day` or later. Local midnight
 * is such a cut everywhere except where clocks go back across midnight (Chile's autumn change
 * turns 24:00 into 23:00): there the day before comes round again after midnight, and a report
 * over whole days can't be read from day rollups. Offsets change by less than a day, so looking
 * two days either side is enough.
 */
export function isDayCut(at: number, day: number, timeZone: string): boolean {
	for (const s of offsetSegments(at - 2 * DAY_MS, at + 2 * DAY_MS, timeZone)) {
		const keyAt = (t: number) => Math.floor((t + s.offsetMs) / DAY_MS);
		if (s.from < at && keyAt(Math.min(s.until, at) - 1) >= day) return false;
		if (s.until > at && keyAt(Math.max(s.from, at)) < day) return false;
	}
	return true;
}
