/**
 * A cheap necessary condition for `plateDistance(a, b) <= maxCost`, so the simulator can run the
 * real (quadratic) distance on a handful of plates instead of every open session.
 */
import { EDIT_COST, STRONG_CONFUSION_COST, WEAK_CONFUSION_COST } from '../similarity.ts';

const CHEAPEST_EDIT = Math.min(STRONG_CONFUSION_COST, WEAK_CONFUSION_COST, EDIT_COST);
const counts = new Int16Array(128);

/**
 * How many characters the two texts' multisets differ by. One substitution changes it by at
 * most 2 and one insertion or deletion by 1, and no edit costs less than the strongest
 * confusion, so `plateDistance(a, b) >= CHEAPEST_EDIT * bagDistance(a, b) / 2`.
 */
export function bagDistance(a: string, b: string): number {
	for (let i = 0; i < a.length; i++) {
		const code = a.charCodeAt(i) & 127;
		counts[code] = (counts[code] ?? 0) + 1;
	}
	for (let i = 0; i < b.length; i++) {
		const code = b.charCodeAt(i) & 127;
		counts[code] = (counts[code] ?? 0) - 1;
	}
	let distance = 0;
	for (let i = 0; i < a.length; i++) {
		const code = a.charCodeAt(i) & 127;
		distance += Math.abs(counts[code] ?? 0);
		counts[code] = 0;
	}
	for (let i = 0; i < b.length; i++) {
		const code = b.charCodeAt(i) & 127;
		distance += Math.abs(counts[code] ?? 0);
		counts[code] = 0;
	}
	return distance;
}

/**
 * False only when `plateDistance(a, b)` is certainly above `maxCost`; true means "maybe, compute
 * it". Never filters out a plate `findConfusableMatches` would return.
 */
export function mayBeWithin(a: string, b: string, maxCost: number): boolean {
	return Math.abs(a.length - b.length) * EDIT_COST <= maxCost && (CHEAPEST_EDIT * bagDistance(a, b)) / 2 <= maxCost;
}
