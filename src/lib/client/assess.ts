/**
 * What the scanner says about a plate, decided on the phone from the lot's snapshot (kept fresh
 * while online) and the outbox (what this phone did since): so it answers the same offline.
 * Pure: a snapshot, the plate, the time and the pending actions in; an assessment out.
 */
import { fee } from '../parking/tariff.ts';
import type { PatrolSnapshot } from '../parking/patrol-snapshot.ts';
import type { OutboxItem } from './outbox.ts';


export interface Assessment {
	plate: string;
	/** the plate's active session: from the snapshot, or started on this phone since */
	session: { id: string | null; entryAt: number; vehicleClass: string; startedHere: boolean } | null;
	/** ended on this phone since the snapshot (not yet, or just, synced) */
	endedHere: boolean;
	permit: { kind: string; validUntil: number; valid: boolean } | null;
	hotlist: Array<{ reason: string; priority: string }>;
	/** minutes past the lot's long-stay limit, when past it */
	overstayMinutes: number | null;
	/** what the stay would cost if it ended now, minus payments; null without a session */
	duePaise: number | null;
	currency: string;
	/** how old the data behind this answer is */
	snapshotAgeMs: number;
}

/**
 * @param pending this phone's outbox items (pending or just done) for the lot
 * @example assess(snapshot, 'KA01AB1234', Date.now(), items).duePaise // 12000
 */
export function assess(snapshot: PatrolSnapshot, plate: string, now: number, pending: readonly OutboxItem[] = []): Assessment {
	let session: Assessment['session'] = null;
	const s = snapshot.sessions.find((x) => x.plate === plate);
	if (s) session = { id: s.id, entryAt: s.entryAt, vehicleClass: s.vehicleClass, startedHere: false };
	let paid = s?.paidPaise ?? 0;
	let endedHere = false;
	// what this phone recorded after the snapshot was taken, in order
	const mine = pending
		.filter((i) => i.action.plate === plate && i.action.lotId === snapshot.lot.id && i.status !== 'rejected' && i.action.at >= snapshot.at - 60_000)
		.sort((a, b) => a.action.at - b.action.at);
	for (const i of mine) {
		if (i.action.kind === 'session.start' && (session === null || endedHere)) {
			session = { id: i.sessionId ?? null, entryAt: i.action.at, vehicleClass: i.action.vehicleClass ?? 'car', startedHere: true };
			paid = 0;
			endedHere = false;
		} else if (i.action.kind === 'session.end' && session !== null) {
			endedHere = true;
		}
	}
	if (endedHere) session = null;

	const permits = snapshot.permits.filter((p) => p.plate === plate && p.validFrom <= now);
	const valid = permits.find((p) => now < p.validUntil);
	const latest = valid ?? [...permits].sort((a, b) => b.validUntil - a.validUntil)[0];
	const permit = latest ? { kind: latest.kind, validUntil: latest.validUntil, valid: latest === valid } : null;

	const hotlist = snapshot.hotlist.filter((h) => h.plate === plate && (h.expiresAt === null || now < h.expiresAt)).map((h) => ({ reason: h.reason, priority: h.priority }));

	let overstayMinutes: number | null = null;
	let duePaise: number | null = null;
	if (session) {
		const over = Math.floor((now - session.entryAt) / 60_000) - snapshot.lot.longStayMinutes;
		overstayMinutes = over > 0 ? over : null;
		const plan = snapshot.plans[session.vehicleClass] ?? snapshot.defaultPlan;
		const priced = fee(plan, session.entryAt, Math.max(now, session.entryAt), snapshot.lot.timeZone, { permit: permit?.valid ?? false });
		duePaise = priced.ok ? Math.max(0, priced.value.totalPaise - paid) : null;
	}
	return { plate, session, endedHere, permit, hotlist, overstayMinutes, duePaise, currency: snapshot.lot.currency, snapshotAgeMs: Math.max(0, now - snapshot.at) };
}

/** Money for people: `₹120.00`. */
export function formatPaise(paise: number, currency: string): string {
	try {
		return new Intl.NumberFormat('en-IN', { style: 'currency', currency }).format(paise / 100);
	} catch {
		return `${(paise / 100).toFixed(2)} ${currency}`;
	}
}

/** A duration for people: `2 h 05 min`, `45 min`. */
export function formatMinutes(minutes: number): string {
	if (minutes < 60) return `${minutes} min`;
	const h = Math.floor(minutes / 60);
	if (h >= 48) return `${Math.floor(h / 24)} d ${h % 24} h`;
	return `${h} h ${String(minutes % 60).padStart(2, '0')} min`;
}
