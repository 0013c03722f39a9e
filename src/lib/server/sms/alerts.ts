/**
 * The messages parking events cause. The event-side functions (`alertPayment`,
 * `alertHotlistHit`, `alertLongStay`) take the event's transaction, so the outbox row commits with
 * the event or not at all. `scanSmsExpiries` is the periodic job for what runs out with time:
 * permits ending in N days, paid stays and maximum stays ending in N minutes, gates gone quiet.
 * Every message has a de-duplication key, so a scan repeated never sends twice.
 */
import { formatMoney } from '../../parking/index.ts';
import { dueThreshold, paidUntil, smsDate, smsTime } from '../../parking/sms/index.ts';
import type { Database, Executor } from '../db/database.ts';
import type { Job } from '../jobs/scheduler.ts';
import { findLot, listGates, listLots, type LotRow } from '../parking/lots.repo.ts';
import type { HotlistRow } from '../parking/permits.repo.ts';
import type { PaymentRow, SessionRow } from '../parking/sessions.repo.ts';
import { planFor, type TariffDefaults } from '../parking/tariffs.ts';
import { enqueueSms } from './outbox.ts';
import { activeSessionsOf, driverPhone, operatorPhones, permitsEndingBy } from './recipients.repo.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** When the expiry alerts go: days before a permit ends, minutes before a paid or maximum stay does. */
export interface AlertThresholds {
	permitDays: readonly number[];
	paidStayMinutes: readonly number[];
	maxStayMinutes: readonly number[];
	/** a gate unheard this long raises an SMS (longer than the status page's minute: SMS is loud) */
	gateOfflineMs: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = { permitDays: [7, 1], paidStayMinutes: [15], maxStayMinutes: [30], gateOfflineMs: 5 * MINUTE };

/** The payment confirmation, in the payment's transaction. `phone` (E.164) overrides the number on file. */
export async function alertPayment(x: Executor, lot: LotRow, session: SessionRow, payment: PaymentRow, phone: string | null): Promise<void> {
	const to = phone ?? (await driverPhone(x, session.plate, payment.at));
	if (!to) return;
	await enqueueSms(x, {
		kind: 'payment_confirmation',
		to,
		lotId: lot.id,
		values: { plate: session.plate, lot: lot.name, amount: formatMoney(payment.amountPaise, lot.currency), time: smsTime(payment.at, lot.timeZone) },
		dedupKey: `payment:${payment.id}`,
		ref: `payment:${payment.id}`,
		now: payment.at
	});
}

/** A hotlisted plate entered: every operator is told, in the entry's transaction. */
export async function alertHotlistHit(x: Executor, lot: LotRow, session: SessionRow, hit: HotlistRow, gateName: string | null, at: number): Promise<void> {
	for (const op of await operatorPhones(x)) {
		await enqueueSms(x, {
			kind: 'hotlist_hit',
			to: op.phone,
			lotId: lot.id,
			values: { plate: session.plate, lot: lot.name, time: smsTime(at, lot.timeZone), gate: gateName ?? 'manual entry', priority: hit.priority.toUpperCase(), reason: hit.reason },
			dedupKey: `hotlist:${session.id}:${hit.id}:${op.userId}`,
			ref: `session:${session.id}`,
			now: at
		});
	}
}

/** A stay passed the lot's long-stay threshold: operators are told once per session, in the scan's transaction. */
export async function alertLongStay(x: Executor, lot: LotRow, session: SessionRow, at: number): Promise<void> {
	for (const op of await operatorPhones(x)) {
		await enqueueSms(x, {
			kind: 'long_stay',
			to: op.phone,
			lotId: lot.id,
			values: { plate: session.plate, lot: lot.name, hours: String(Math.floor((at - session.entryAt) / (60 * MINUTE))), since: smsTime(session.entryAt, lot.timeZone) },
			dedupKey: `long_stay:${session.id}:${op.userId}`,
			ref: `session:${session.id}`,
			now: at
		});
	}
}

/**
 * Queues the expiry alerts due at `now`, and gate-offline alerts. Safe to run as often as wanted.
 * @returns how many messages it queued
 */
export async function scanSmsExpiries(db: Database, now: number, defaults: TariffDefaults, thresholds: AlertThresholds = DEFAULT_THRESHOLDS): Promise<number> {
	let queued = 0;
	const count = (row: unknown) => void (row && queued++);
	const lots = await db.run((x) => listLots(x));
	for (const lot of lots) {
		await db.transaction(async (x) => {
			for (const s of await activeSessionsOf(x, lot.id)) {
				const to = await driverPhone(x, s.plate, now);
				if (!to) continue;
				const base = { to, lotId: lot.id, ref: `session:${s.id}`, now };
				// the maximum stay: the lot's long-stay threshold, which a stay should not pass
				const maxEnd = s.entryAt + lot.longStayMinutes * MINUTE;
				const maxDue = dueThreshold(thresholds.maxStayMinutes, maxEnd, now, MINUTE);
				if (maxDue !== null) {
					count(await enqueueSms(x, { ...base, kind: 'max_stay_expiry', values: { plate: s.plate, lot: lot.name, minutes: String(Math.ceil((maxEnd - now) / MINUTE)), time: smsTime(maxEnd, lot.timeZone) }, dedupKey: `max_stay:${s.id}:${maxDue}` }));
				}
				if (s.paidPaise > 0 && s.permitId === null) {
					const { plan } = await planFor(x, lot, s.vehicleClass, defaults);
					const paidEnd = paidUntil(plan, s.entryAt, s.paidPaise, lot.timeZone);
					const paidDue = paidEnd === null ? null : dueThreshold(thresholds.paidStayMinutes, paidEnd, now, MINUTE);
					if (paidEnd !== null && paidDue !== null) {
						// paying more moves the end: a new end is a new fact, worth its own warning
						count(await enqueueSms(x, { ...base, kind: 'paid_stay_expiry', values: { plate: s.plate, lot: lot.name, minutes: String(Math.ceil((paidEnd - now) / MINUTE)), time: smsTime(paidEnd, lot.timeZone) }, dedupKey: `paid_stay:${s.id}:${paidDue}:${s.paidPaise}` }));
					}
				}
			}
			const gates = await listGates(x, lot.id);
			const ops = gates.some((g) => g.lastHeartbeatAt !== null && now - g.lastHeartbeatAt >= thresholds.gateOfflineMs) ? await operatorPhones(x) : [];
			for (const g of gates) {
				if (g.lastHeartbeatAt === null || now - g.lastHeartbeatAt < thresholds.gateOfflineMs) continue;
				for (const op of ops) {
					// one alert per silence: the key names the last time it was heard
					count(await enqueueSms(x, { kind: 'gate_offline', to: op.phone, lotId: lot.id, values: { gate: g.name, lot: lot.name, since: smsTime(g.lastHeartbeatAt, lot.timeZone) }, dedupKey: `gate_offline:${g.id}:${g.lastHeartbeatAt}:${op.userId}`, ref: `gate:${g.id}`, now }));
				}
			}
		});
	}
	const horizon = Math.max(...thresholds.permitDays) * DAY;
	await db.transaction(async (x) => {
		const lotCache = new Map<string, LotRow | undefined>();
		for (const p of await permitsEndingBy(x, now, now + horizon)) {
			const due = dueThreshold(thresholds.permitDays, p.validUntil, now, DAY);
			const lotId = p.lotIds[0];
			if (due === null || !lotId) continue;
			if (!lotCache.has(lotId)) lotCache.set(lotId, await findLot(x, lotId));
			const lot = lotCache.get(lotId);
			if (!lot) continue;
			count(
				await enqueueSms(x, {
					kind: 'permit_expiry',
					to: p.phone!,
					lotId: lot.id,
					values: { plate: p.plate, lot: lot.name, days: String(Math.ceil((p.validUntil - now) / DAY)), date: smsDate(p.validUntil, lot.timeZone) },
					dedupKey: `permit:${p.id}:${due}`,
					ref: `permit:${p.id}`,
					now
				})
			);
		}
	});
	return queued;
}

/** The scheduled SMS scan (one instance per run, through the job lease). */
export function smsJobs(defaults: TariffDefaults): Job[] {
	return [{ name: 'sms-scan-expiries', intervalMs: MINUTE, leaseMs: 2 * MINUTE, run: (db, now) => scanSmsExpiries(db, now, defaults) }];
}
