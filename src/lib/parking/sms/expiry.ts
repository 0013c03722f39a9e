/**
 * When alerts about something ending are due: a paid stay (the time the amount paid covers under
 * the lot's tariff), a maximum stay, a permit. Pure: the instant is passed in.
 */
import type { TariffPlan } from '../tariff-plan.ts';
import { fee } from '../tariff.ts';

const MINUTE = 60_000;

/**
 * The last instant (to the minute) up to which `paidPaise` covers a stay that began at `entryMs`,
 * looked for within `horizonMs` of entry. The fee only grows with the stay, so a binary search
 * over minutes finds it.
 * @returns that instant; `entryMs + horizonMs` when the amount covers the whole horizon; null when
 *   the fee can't be computed
 */
export function paidUntil(plan: TariffPlan, entryMs: number, paidPaise: number, timeZone: string, horizonMs = 48 * 60 * MINUTE): number | null {
	const costAt = (minutes: number) => {
		const f = fee(plan, entryMs, entryMs + minutes * MINUTE, timeZone);
		return f.ok ? f.value.totalPaise : null;
	};
	let lo = 0;
	let hi = Math.floor(horizonMs / MINUTE);
	const atHorizon = costAt(hi);
	if (atHorizon === null) return null;
	if (atHorizon <= paidPaise) return entryMs + hi * MINUTE;
	// invariant: cost(lo) <= paid (cost(0) is 0), cost(hi) > paid
	while (hi - lo > 1) {
		const mid = Math.floor((lo + hi) / 2);
		const c = costAt(mid);
		if (c === null) return null;
		if (c <= paidPaise) lo = mid;
		else hi = mid;
	}
	return entryMs + lo * MINUTE;
}

/**
 * The alert threshold due now for something ending at `endMs`: the smallest of `thresholds`
 * (in `unitMs`) that the time left has fallen within, so a scan that runs late sends the nearer
 * warning only. None once it has ended.
 * @example dueThreshold([30, 15], end, end - 20 * 60_000, 60_000) // 30
 * @example dueThreshold([30, 15], end, end - 10 * 60_000, 60_000) // 15
 */
export function dueThreshold(thresholds: readonly number[], endMs: number, now: number, unitMs: number): number | null {
	const left = endMs - now;
	if (left <= 0) return null;
	const within = thresholds.filter((n) => left <= n * unitMs);
	return within.length ? Math.min(...within) : null;
}
