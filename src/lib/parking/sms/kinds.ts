/**
 * The kinds of SMS SPMS sends: who gets them, whether quiet hours hold them back, the
 * placeholders each provides and the wording used until an admin changes it.
 */
import type { PlaceholderSpec } from './template.ts';

export const SMS_KINDS = [
	'payment_confirmation',
	'permit_expiry',
	'paid_stay_expiry',
	'max_stay_expiry',
	'hotlist_hit',
	'long_stay',
	'gate_offline'
] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

export interface SmsKindSpec {
	audience: 'driver' | 'operator';
	/** urgent kinds go out at night too; the others wait for quiet hours to end */
	urgent: boolean;
	label: string;
	placeholders: Record<string, PlaceholderSpec>;
	defaultTemplate: string;
}

const plate: PlaceholderSpec = { max: 12, worst: 'KA01AB12345X' };
const lot: PlaceholderSpec = { max: 30, worst: 'x', cut: true };
const time: PlaceholderSpec = { max: 12, worst: '30 Dec 23:59' };
const gate: PlaceholderSpec = { max: 24, worst: 'x', cut: true };

export const SMS_KIND_SPECS: Record<SmsKind, SmsKindSpec> = {
	payment_confirmation: {
		audience: 'driver',
		urgent: true,
		label: 'Payment confirmation',
		placeholders: { plate, lot, time, amount: { max: 16, worst: '₹99,99,99,999.00' } },
		defaultTemplate: '{lot}: {amount} received for {plate} at {time}. Thank you.'
	},
	permit_expiry: {
		audience: 'driver',
		urgent: false,
		label: 'Permit ending',
		placeholders: { plate, lot, days: { max: 3, worst: '365' }, date: { max: 11, worst: '30 Dec 2026' } },
		defaultTemplate: '{lot}: the parking permit for {plate} ends in {days} day(s), on {date}. Renew it at the office.'
	},
	paid_stay_expiry: {
		audience: 'driver',
		urgent: true,
		label: 'Paid stay ending',
		placeholders: { plate, lot, time, minutes: { max: 4, worst: '1440' } },
		defaultTemplate: '{lot}: the paid time for {plate} ends in {minutes} min, at {time}. Pay more to avoid extra charges.'
	},
	max_stay_expiry: {
		audience: 'driver',
		urgent: true,
		label: 'Maximum stay ending',
		placeholders: { plate, lot, time, minutes: { max: 4, worst: '1440' } },
		defaultTemplate: '{lot}: {plate} reaches the maximum stay in {minutes} min, at {time}. Please move the vehicle.'
	},
	hotlist_hit: {
		audience: 'operator',
		urgent: true,
		label: 'Hotlist hit',
		placeholders: { plate, lot, time, gate, priority: { max: 6, worst: 'medium' }, reason: { max: 60, worst: 'x', cut: true } },
		defaultTemplate: 'HOTLIST {priority}: {plate} entered {lot} at {time} ({gate}). Reason: {reason}'
	},
	long_stay: {
		audience: 'operator',
		urgent: false,
		label: 'Long stay',
		placeholders: { plate, lot, since: time, hours: { max: 5, worst: '99999' } },
		defaultTemplate: 'Long stay: {plate} has been in {lot} for {hours} h (since {since}).'
	},
	gate_offline: {
		audience: 'operator',
		urgent: true,
		label: 'Gate offline',
		placeholders: { gate, lot, since: time },
		defaultTemplate: 'Gate offline: {gate} at {lot} has not been heard from since {since}.'
	}
};

export function isSmsKind(value: unknown): value is SmsKind {
	return typeof value === 'string' && (SMS_KINDS as readonly string[]).includes(value);
}

/** A short local time for messages: `02 Nov 09:30` in the lot's zone. */
export function smsTime(utcMs: number, timeZone: string): string {
	const parts = new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(utcMs);
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${get('day')} ${get('month')} ${get('hour')}:${get('minute')}`;
}

/** A local date for messages: `02 Nov 2026`. */
export function smsDate(utcMs: number, timeZone: string): string {
	return new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: 'short', year: 'numeric' }).format(utcMs);
}
