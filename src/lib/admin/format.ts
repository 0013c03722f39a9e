/**
 * Formatting for staff pages (browser and server alike): money in the lot's currency with Indian
 * digit grouping, instants in the lot's zone, durations in hours and minutes.
 */
import { formatMoney } from '../parking/money.ts';

/** ₹1,23,456.00 from paise. */
export const money = (paise: number | null | undefined, currency = 'INR') => (paise === null || paise === undefined ? '—' : formatMoney(paise, currency, 'en-IN'));

/** ₹1,23,456 (no paise) for totals on tiles and charts. */
export function moneyShort(paise: number, currency = 'INR'): string {
	return new Intl.NumberFormat('en-IN', { style: 'currency', currency, maximumFractionDigits: 0 }).format(Math.round(paise / 100));
}

const formats = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, kind: 'datetime' | 'time'): Intl.DateTimeFormat {
	const key = `${timeZone}|${kind}`;
	let f = formats.get(key);
	if (!f) {
		f = new Intl.DateTimeFormat('en-IN', kind === 'datetime' ? { timeZone, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' } : { timeZone, timeStyle: 'short', hourCycle: 'h23' });
		formats.set(key, f);
	}
	return f;
}

/** "2 Nov 2026, 09:30" in `timeZone`; "—" for null. */
export const dateTime = (ms: number | null | undefined, timeZone = 'Asia/Kolkata') => (ms === null || ms === undefined ? '—' : fmt(timeZone, 'datetime').format(ms));
/** "09:30" in `timeZone`. */
export const time = (ms: number | null | undefined, timeZone = 'Asia/Kolkata') => (ms === null || ms === undefined ? '—' : fmt(timeZone, 'time').format(ms));

/** "2 h 05 min", "45 min". */
export function duration(minutes: number | null | undefined): string {
	if (minutes === null || minutes === undefined) return '—';
	const h = Math.floor(minutes / 60);
	const m = Math.round(minutes % 60);
	return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/** "1,23,456" */
export const count = (n: number) => new Intl.NumberFormat('en-IN').format(n);

/** "09:00" */
export const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;
