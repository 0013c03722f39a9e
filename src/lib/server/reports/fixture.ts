/**
 * Test support: a seeded, deterministic set of lots, sessions, payments and anomalies for the
 * report specs, and the report figures computed from those rows in plain TypeScript (the
 * runtime's `Intl` zone data per row; no SQL, no bucketing shortcuts), to check the queries by.
 */
import { localDateTimeAt, formatLocalDate } from '../../parking/time-zone.ts';
import type { Database } from '../db/database.ts';
import { upsertAnomaly, type AnomalyRow } from '../parking/anomalies.repo.ts';
import { insertLot, type LotRow } from '../parking/lots.repo.ts';
import { insertPayment, insertSession, type PaymentRow, type SessionRow } from '../parking/sessions.repo.ts';
import { STAY_BUCKETS_MINUTES } from './reports.ts';
import { createRandom } from '../../parking/simulator/random.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface Fixture {
	lots: LotRow[];
	sessions: SessionRow[];
	payments: PaymentRow[];
	anomalies: AnomalyRow[];
}


/**
 * Two lots (Asia/Kolkata, and America/New_York, whose clocks fall back on 2026-11-01 inside
 * the window) with `perLot` sessions each from `start` − 2 days to `end` + 1 day: completed,
 * active and voided stays from 5 minutes to 30 hours, one or two payments per paid stay, and
 * anomalies of several kinds and states.
 */
export function makeFixture(start: number, end: number, perLot = 250, seed = 7): Fixture {
	const random = createRandom(seed);
	const rnd = () => random.next();
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
	const lots: LotRow[] = [
		{ id: 'lot-blr', name: 'Forum Mall', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 200, 'two-wheeler': 300 }, longStayMinutes: 720, imageRetentionDays: 30, createdAt: start - 30 * 24 * HOUR },
		{ id: 'lot-nyc', name: 'Hudson Yards', country: 'us', timeZone: 'America/New_York', currency: 'INR', capacity: { car: 100 }, longStayMinutes: 720, imageRetentionDays: 30, createdAt: start - 29 * 24 * HOUR }
	];
	const sessions: SessionRow[] = [];
	const payments: PaymentRow[] = [];
	const anomalies: AnomalyRow[] = [];
	const from = start - 2 * 24 * HOUR;
	const span = end + 24 * HOUR - from;
	for (const lot of lots) {
		for (let i = 0; i < perLot; i++) {
			const id = `${lot.id}-s${i}`;
			const entryAt = from + Math.floor(rnd() * span / MIN) * MIN + Math.floor(rnd() * 60) * 1000;
			const stay = Math.floor((5 + rnd() ** 2 * 30 * 60) * MIN);
			const roll = rnd();
			const status: SessionRow['status'] = roll < 0.1 ? 'active' : roll < 0.15 ? 'voided' : 'completed';
			const exitAt = status === 'active' ? null : entryAt + stay;
			const vehicleClass = lot.id === 'lot-nyc' ? 'car' : pick(['car', 'car', 'two-wheeler', 'light-commercial']);
			const fee = status === 'completed' ? Math.floor(rnd() * 40) * 500 : null;
			let paid = 0;
			if (status === 'completed' && fee! > 0) {
				const split = rnd() < 0.3;
				const parts = split ? [Math.floor(fee! / 2), fee! - Math.floor(fee! / 2)] : [fee!];
				parts.forEach((amount, k) => {
					payments.push({ id: `${id}-p${k}`, sessionId: id, lotId: lot.id, amountPaise: amount, method: pick(['cash', 'upi', 'card'] as const), reference: null, receivedBy: null, at: exitAt! - (parts.length - k - 1) * 7 * MIN });
					paid += amount;
				});
			}
			sessions.push({
				id, lotId: lot.id, plate: `KA01AB${1000 + i}`, vehicleClass, status, activeKey: status === 'active' ? `${lot.id}:KA01AB${1000 + i}` : null,
				entryAt, exitAt, entryGateId: null, exitGateId: null, entryConfidence: null, exitPlateRead: null, feePaise: fee, paidPaise: paid,
				tariffSnapshot: null, permitId: null, startedBy: null, endedBy: null, createdAt: entryAt, updatedAt: exitAt ?? entryAt
			});
		}
		for (let i = 0; i < 40; i++) {
			const detectedAt = from + Math.floor(rnd() * span);
			anomalies.push({
				id: `${lot.id}-a${i}`, lotId: lot.id, kind: pick(['duplicate-entry', 'plate-mismatch', 'long-stay', 'low-confidence']), dedupKey: `${lot.id}-a${i}`,
				plate: null, sessionId: null, relatedSessionId: null, evidence: {}, occurrences: 1, lastSeenAt: detectedAt,
				status: pick(['open', 'acknowledged', 'resolved'] as const), note: null, detectedAt, reviewedBy: null, reviewedAt: null
			});
		}
	}
	return { lots, sessions, payments, anomalies };
}

/** Writes the fixture through the repositories. */
export async function seedFixture(db: Database, f: Fixture): Promise<void> {
	await db.transaction(async (x) => {
		for (const l of f.lots) await insertLot(x, l);
		for (const s of f.sessions) await insertSession(x, s);
		for (const p of f.payments) await insertPayment(x, p);
		for (const a of f.anomalies) await upsertAnomaly(x, a);
	});
}

// --- the figures, computed row by row ----------------------------------------------------

const local = (at: number, zone: string) => {
	const t = localDateTimeAt(at, zone);
	return { date: formatLocalDate(t), hour: t.hour, minute: t.minute, second: t.second };
};

/** Expected totals for the window of local dates `fromDate`…`toDate` (inclusive), lots given by id. */
export function expectedFigures(f: Fixture, fromDate: string, toDate: string, lotIds: string[]) {
	const zoneOf = new Map(f.lots.map((l) => [l.id, l.timeZone]));
	const inWindow = (lotId: string, at: number) => {
		const d = local(at, zoneOf.get(lotId)!).date;
		return lotIds.includes(lotId) && d >= fromDate && d <= toDate;
	};
	const sessionById = new Map(f.sessions.map((s) => [s.id, s]));

	// revenue
	const paid = f.payments.filter((p) => inWindow(p.lotId, p.at));
	const sumBy = (key: (p: PaymentRow) => string) => {
		const m: Record<string, number> = {};
		for (const p of paid) m[key(p)] = (m[key(p)] ?? 0) + p.amountPaise;
		return m;
	};
	const revenue = {
		totalPaise: paid.reduce((n, p) => n + p.amountPaise, 0),
		payments: paid.length,
		byDay: sumBy((p) => local(p.at, zoneOf.get(p.lotId)!).date),
		byLot: sumBy((p) => p.lotId),
		byClass: sumBy((p) => sessionById.get(p.sessionId)!.vehicleClass),
		byMethod: sumBy((p) => p.method)
	};

	// occupancy: at every instant the wall clock shows HH:00:00 (the first of a repeated hour)
	const inside: Record<string, number> = {};
	const counted = f.sessions.filter((s) => s.status !== 'voided');
	for (const lotId of lotIds) {
		const zone = zoneOf.get(lotId)!;
		const first = new Map<string, number>();
		const start = Date.parse(`${fromDate}T00:00:00Z`) - 15 * HOUR;
		const stop = Date.parse(`${toDate}T00:00:00Z`) + 40 * HOUR;
		for (let t = start; t < stop; t += 15 * MIN) {
			const l = local(t, zone);
			if (l.minute !== 0 || l.second !== 0 || l.date < fromDate || l.date > toDate) continue;
			const label = `${l.date} ${l.hour}`;
			if (!first.has(label)) first.set(label, t);
		}
		for (const [label, t] of first) {
			const n = counted.filter((s) => s.lotId === lotId && s.entryAt < t && (s.exitAt === null || s.status === 'active' || s.exitAt >= t)).length;
			inside[label] = (inside[label] ?? 0) + n;
		}
	}
	const heat = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => ({ sum: 0, n: 0 })));
	for (const [label, n] of Object.entries(inside)) {
		const [date, hour] = label.split(' ');
		const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
		const cell = heat[weekday]![Number(hour)]!;
		cell.sum += n;
		cell.n += 1;
	}
	const round1 = (v: number) => Math.round(v * 10) / 10;
	const heatmap = heat.map((row) => row.map((c) => (c.n ? round1(c.sum / c.n) : null)));
	const entriesByHour = Array<number>(24).fill(0);
	for (const s of counted) if (inWindow(s.lotId, s.entryAt)) entriesByHour[local(s.entryAt, zoneOf.get(s.lotId)!).hour]! += 1;
	const completed = f.sessions.filter((s) => s.status === 'completed');
	const exits = completed.filter((s) => inWindow(s.lotId, s.exitAt!)).length;
	const maxInside = Math.max(...Object.values(inside));

	// stays: completed, ended in the window
	const stays = completed.filter((s) => inWindow(s.lotId, s.exitAt!));
	const distribution = Array<number>(STAY_BUCKETS_MINUTES.length + 1).fill(0);
	for (const s of stays) {
		const minutes = (s.exitAt! - s.entryAt) / MIN;
		const i = STAY_BUCKETS_MINUTES.findIndex((b) => minutes < b);
		distribution[i === -1 ? STAY_BUCKETS_MINUTES.length : i]! += 1;
	}
	const averageMinutes = stays.length ? Math.round(stays.reduce((n, s) => n + (s.exitAt! - s.entryAt), 0) / stays.length / MIN) : null;

	// anomalies
	const found = f.anomalies.filter((a) => inWindow(a.lotId, a.detectedAt));
	const anomalyKinds: Record<string, Record<string, number>> = {};
	for (const a of found) {
		const k = (anomalyKinds[a.kind] ??= { total: 0, open: 0, acknowledged: 0, resolved: 0 });
		k.total! += 1;
		k[a.status]! += 1;
	}
	return {
		revenue,
		occupancy: { heatmap, entriesByHour, entries: entriesByHour.reduce((a, b) => a + b, 0), exits, maxInside, hours: Object.keys(inside).length },
		stays: { stays: stays.length, averageMinutes, distribution },
		anomalies: { total: found.length, byKind: anomalyKinds }
	};
}
