/**
 * The fee calculator of the tariff page: a plan (as the JSON being edited) priced on any entry
 * and exit given as wall-clock times in the lot's zone. Pure, so the page runs it as you type.
 */
import { fee, type FeeLine } from '../parking/tariff.ts';
import { tariffPlanSchema } from '../parking/tariff-plan.ts';
import { wallTimeToUtc } from '../parking/time-zone.ts';

export type Preview =
	| { ok: true; totalPaise: number; currency: string; minutes: number; waived: 'permit' | 'grace' | null; lines: readonly FeeLine[]; entryMs: number; exitMs: number }
	| { ok: false; problems: string[] };

/** `YYYY-MM-DDTHH:MM` (an `<input type="datetime-local">` value) in `zone` → UTC ms, or null. */
export function localInputToUtc(value: string, zone: string): number | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
	if (!m) return null;
	const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
	try {
		return wallTimeToUtc({ year: y, month: mo, day: d }, h * 60 + mi, zone);
	} catch {
		return null;
	}
}

/** Prices `planText` from `entry` to `exit` (datetime-local values in `zone`). */
export function previewFee(planText: string, entry: string, exit: string, zone: string, permit = false): Preview {
	let json: unknown;
	try {
		json = JSON.parse(planText);
	} catch (e) {
		return { ok: false, problems: [`The plan is not valid JSON: ${(e as Error).message}`] };
	}
	const parsed = tariffPlanSchema.safeParse(json);
	if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`) };
	const entryMs = localInputToUtc(entry, zone);
	const exitMs = localInputToUtc(exit, zone);
	if (entryMs === null || exitMs === null) return { ok: false, problems: ['Give the entry and exit as a date and time.'] };
	const priced = fee(parsed.data, entryMs, exitMs, zone, { permit });
	if (!priced.ok) return { ok: false, problems: [priced.error.kind === 'exit-before-entry' ? 'The exit is before the entry.' : `The fee can't be computed: ${priced.error.kind}.`] };
	const v = priced.value;
	return { ok: true, totalPaise: v.totalPaise, currency: v.currency, minutes: Math.round(v.durationMs / 60_000), waived: v.waived, lines: v.lines, entryMs, exitMs };
}
