/**
 * Evaluation measures, pure: detection matching at an IoU threshold (as `det_codec.match`),
 * character error rate and character confusions from an edit-distance alignment.
 */
import { iou, type Box } from './geometry.ts';

/** One edit turning the truth into the read; `null` stands for a missing character. */
export interface Edit {
	readonly truth: string | null;
	readonly read: string | null;
}

/**
 * The edits of a minimal alignment of `read` against `truth` (Levenshtein, unit costs):
 * substitutions `{truth: 'B', read: '8'}`, deletions `{truth: 'B', read: null}`, insertions
 * `{truth: null, read: 'X'}`. Its length is the edit distance.
 * @example alignEdits('KA01', 'KAO1') // [{ truth: '0', read: 'O' }]
 */
export function alignEdits(truth: string, read: string): Edit[] {
	const n = truth.length;
	const m = read.length;
	const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	const at = (i: number, j: number): number => (d[i] as number[])[j] as number;
	for (let i = 1; i <= n; i++) {
		for (let j = 1; j <= m; j++) {
			const sub = at(i - 1, j - 1) + (truth[i - 1] === read[j - 1] ? 0 : 1);
			(d[i] as number[])[j] = Math.min(sub, at(i - 1, j) + 1, at(i, j - 1) + 1);
		}
	}
	// Walk back, preferring a substitution so that `KA0I` vs `KAOI` reads as 0→O, not a delete+insert.
	const edits: Edit[] = [];
	let i = n;
	let j = m;
	while (i > 0 || j > 0) {
		if (i > 0 && j > 0 && at(i, j) === at(i - 1, j - 1) + (truth[i - 1] === read[j - 1] ? 0 : 1)) {
			if (truth[i - 1] !== read[j - 1]) edits.push({ truth: truth[i - 1] as string, read: read[j - 1] as string });
			i--;
			j--;
		} else if (i > 0 && at(i, j) === at(i - 1, j) + 1) {
			edits.push({ truth: truth[i - 1] as string, read: null });
			i--;
		} else {
			edits.push({ truth: null, read: read[j - 1] as string });
			j--;
		}
	}
	return edits.reverse();
}

/** Character error rate over pairs: total edit distance / total truth length (0 when empty). */
export function characterErrorRate(pairs: readonly { readonly truth: string; readonly read: string }[]): number {
	let edits = 0;
	let chars = 0;
	for (const { truth, read } of pairs) {
		edits += alignEdits(truth, read).length;
		chars += truth.length;
	}
	return chars > 0 ? edits / chars : 0;
}

/** A confusion and how often it happened; `∅` marks a missing character. */
export interface Confusion {
	readonly truth: string;
	readonly read: string;
	readonly count: number;
}

/** The `limit` most frequent edits over all pairs, most frequent first (ties by text). */
export function worstConfusions(pairs: readonly { readonly truth: string; readonly read: string }[], limit = 10): Confusion[] {
	const counts = new Map<string, number>();
	for (const { truth, read } of pairs) {
		for (const e of alignEdits(truth, read)) {
			const key = `${e.truth ?? '∅'}\u0000${e.read ?? '∅'}`;
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
	}
	return [...counts]
		.map(([key, count]) => {
			const [truth = '', read = ''] = key.split('\u0000');
			return { truth, read, count };
		})
		.sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth) || a.read.localeCompare(b.read))
		.slice(0, limit);
}

/** What a confidence threshold lets through: how many reads pass it, and how many of those are wrong. */
export interface Acceptance {
	readonly reads: number;
	readonly accepted: number;
	readonly wrongAccepted: number;
}

/**
 * Reads at or above `threshold` (as a gate accepting a plate would), and the wrong ones among them:
 * the share a barrier opens on, and the share it opens on for the wrong plate.
 */
export function acceptance(reads: readonly { readonly truth: string; readonly read: string; readonly confidence: number }[], threshold: number): Acceptance {
	const passed = reads.filter((r) => r.confidence >= threshold);
	return { reads: reads.length, accepted: passed.length, wrongAccepted: passed.filter((r) => r.read !== r.truth).length };
}

/** Counts for precision and recall. */
export interface DetectionCounts {
	readonly truePositives: number;
	readonly detections: number;
	readonly truths: number;
}

/**
 * Greedy matching of detections to ground-truth boxes, best score first, each truth used once,
 * a match needing IoU ≥ `threshold` (the same as `det_codec.match`).
 */
export function matchDetections(
	detections: readonly { readonly box: Box; readonly score: number }[],
	truths: readonly Box[],
	threshold = 0.5
): DetectionCounts {
	const used = new Set<number>();
	let tp = 0;
	for (const d of [...detections].sort((a, b) => b.score - a.score)) {
		let best = threshold;
		let bestIndex = -1;
		truths.forEach((t, j) => {
			if (used.has(j)) return;
			const v = iou(d.box, t);
			if (v >= best) [best, bestIndex] = [v, j];
		});
		if (bestIndex >= 0) {
			used.add(bestIndex);
			tp++;
		}
	}
	return { truePositives: tp, detections: detections.length, truths: truths.length };
}
