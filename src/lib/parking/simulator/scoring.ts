/**
 * Scores what the real system detected against the simulator's truth, per anomaly kind.
 *
 * Matching rule: a detection matches a truth anomaly when
 * - the kinds are equal;
 * - the plates agree: the detection's plate (normalised) is the car's true plate or, for
 *   `plate-mismatch`, the misread; `over-capacity` ignores plates, and `unreadable-plate` also
 *   accepts a detection without a plate;
 * - the detection's `at`, when given, lies within the truth's window (the car's visit, or the
 *   local day for `over-capacity`), so a repeat visit of the same plate is a different anomaly;
 * - the detection's `sessionRef`, when given, equals the truth's `entryIndex`.
 * Each truth matches at most one detection and vice versa, chosen as a maximum matching: a
 * second detection of one anomaly (a de-duplication failure) is a false positive.
 */
import { ANOMALY_KINDS } from '../anomaly-rules.ts';
import { normalisePlate } from '../plates.ts';
import type { SimulationTruth, TruthAnomaly } from './types.ts';

/** One anomaly the system raised, as the driver reports it. */
export interface DetectedAnomaly {
	readonly kind: string;
	readonly plate: string | null;
	/** When the system raised it (the `at` of the event being applied). */
	readonly at?: number;
	/** The index of the entry event that opened the session the anomaly is about. */
	readonly sessionRef?: number;
}

/** Counts and ratios for one kind. Precision is 1 with no detections; recall is 1 with nothing to find. */
export interface KindScore {
	readonly tp: number;
	readonly fp: number;
	readonly fn: number;
	readonly precision: number;
	readonly recall: number;
}

/** What {@link scoreAnomalies} returns. */
export interface ScoreReport {
	/** Every kind in `ANOMALY_KINDS`, plus any other kind the system reported. */
	readonly byKind: Readonly<Record<string, KindScore>>;
	/** Truth anomalies no detection matched. */
	readonly missed: readonly TruthAnomaly[];
	/** Detections that matched no truth anomaly. */
	readonly spurious: readonly DetectedAnomaly[];
}

const plateOf = (text: string | null): string | null => {
	if (text === null) return null;
	const normalised = normalisePlate(text);
	return normalised.ok ? normalised.value : text;
};

function compatible(truth: TruthAnomaly, detected: DetectedAnomaly, detectedPlate: string | null): boolean {
	if (truth.kind !== detected.kind) return false;
	if (truth.plate !== null) {
		const plateAgrees =
			detectedPlate === truth.plate ||
			(detectedPlate !== null && detectedPlate === plateOf(truth.readPlate)) ||
			(truth.kind === 'unreadable-plate' && (detectedPlate === null || detected.plate === truth.readPlate));
		if (!plateAgrees) return false;
	}
	if (detected.at !== undefined && !(truth.window.fromMs <= detected.at && detected.at <= truth.window.untilMs))
		return false;
	if (detected.sessionRef !== undefined && truth.entryIndex !== null && detected.sessionRef !== truth.entryIndex)
		return false;
	return true;
}

/**
 * Per-kind true positives, false positives and false negatives of `detected` against `truth`,
 * with precision and recall; see the module comment for the matching rule.
 * @example scoreAnomalies(simulation.truth, detections).byKind['long-stay']?.recall
 */
export function scoreAnomalies(
	truth: SimulationTruth | readonly TruthAnomaly[],
	detected: readonly DetectedAnomaly[]
): ScoreReport {
	const anomalies: readonly TruthAnomaly[] = 'anomalies' in truth ? truth.anomalies : truth;
	// Candidates by kind, and by plate within a kind, so each detection only looks at a few.
	const index = new Map<string, number[]>();
	const keyOf = (kind: string, plate: string | null): string => `${kind}\u0000${plate ?? ''}`;
	const file = (key: string, i: number): void => {
		const list = index.get(key);
		if (list === undefined) index.set(key, [i]);
		else list.push(i);
	};
	anomalies.forEach((anomaly, i) => {
		const plates = anomaly.plate === null ? [null] : [anomaly.plate, anomaly.readPlate];
		for (const plate of new Set(plates.map(plateOf)))
			file(keyOf(anomaly.kind, anomaly.kind === 'over-capacity' ? null : plate), i);
		if (anomaly.kind === 'unreadable-plate') file(keyOf(anomaly.kind, null), i);
	});
	const candidates = detected.map((detection) => {
		const plate = plateOf(detection.plate);
		const keys = [keyOf(detection.kind, detection.kind === 'over-capacity' ? null : plate)];
		if (detection.kind === 'unreadable-plate') keys.push(keyOf(detection.kind, null));
		const found = new Set(keys.flatMap((key) => index.get(key) ?? []));
		return [...found].sort((a, b) => a - b).filter((i) => compatible(anomalies[i] as TruthAnomaly, detection, plate));
	});

	// Kuhn's augmenting paths: a maximum matching, so the order of detections cannot cost a match.
	const truthMatch = new Array<number>(anomalies.length).fill(-1);
	const augment = (d: number, seen: Set<number>): boolean => {
		for (const t of candidates[d] ?? []) {
			if (seen.has(t)) continue;
			seen.add(t);
			const holder = truthMatch[t] ?? -1;
			if (holder === -1 || augment(holder, seen)) {
				truthMatch[t] = d;
				return true;
			}
		}
		return false;
	};
	const detectionMatched = detected.map((_, d) => augment(d, new Set()));

	const counts = new Map<string, { tp: number; fp: number; fn: number }>(
		ANOMALY_KINDS.map((kind) => [kind, { tp: 0, fp: 0, fn: 0 }])
	);
	const countOf = (kind: string): { tp: number; fp: number; fn: number } => {
		let count = counts.get(kind);
		if (count === undefined) counts.set(kind, (count = { tp: 0, fp: 0, fn: 0 }));
		return count;
	};
	const missed: TruthAnomaly[] = [];
	anomalies.forEach((anomaly, t) => {
		if ((truthMatch[t] ?? -1) === -1) {
			countOf(anomaly.kind).fn++;
			missed.push(anomaly);
		} else countOf(anomaly.kind).tp++;
	});
	const spurious = detected.filter((detection, d) => {
		if (detectionMatched[d] === true) return false;
		countOf(detection.kind).fp++;
		return true;
	});
	const byKind: Record<string, KindScore> = {};
	for (const [kind, { tp, fp, fn }] of counts) {
		byKind[kind] = {
			tp,
			fp,
			fn,
			precision: tp + fp === 0 ? 1 : tp / (tp + fp),
			recall: tp + fn === 0 ? 1 : tp / (tp + fn)
		};
	}
	return { byKind, missed, spurious };
}
