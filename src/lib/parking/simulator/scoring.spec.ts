import { describe, expect, test } from 'vitest';
import { scoreAnomalies, type DetectedAnomaly } from './scoring.ts';
import { ANOMALY_KINDS } from '../anomaly-rules.ts';
import type { TruthAnomaly } from './types.ts';

const truth = (fields: Partial<TruthAnomaly>): TruthAnomaly => ({
	kind: 'long-stay',
	plate: 'KA01AB1234',
	readPlate: null,
	at: 1000,
	eventIndex: 5,
	entryIndex: 1,
	vehicleClass: null,
	localDay: '2026-01-15',
	window: { fromMs: 0, untilMs: 2000 },
	cause: 'traffic',
	...fields
});

const TRUTH: TruthAnomaly[] = [
	truth({}),
	truth({ kind: 'plate-mismatch', readPlate: 'KA01A81234', at: 1500, entryIndex: 1 }),
	truth({ kind: 'long-stay', plate: 'KA01AB1234', at: 5000, entryIndex: 7, window: { fromMs: 4000, untilMs: 9000 } }),
	truth({ kind: 'over-capacity', plate: null, at: 100, entryIndex: 9, window: { fromMs: 0, untilMs: 86_399_999 } }),
	truth({
		kind: 'unreadable-plate',
		plate: 'MH12CD5678',
		readPlate: 'MH1?CD5678',
		at: 300,
		entryIndex: null,
		window: { fromMs: 300, untilMs: 700 }
	})
];
const PERFECT: DetectedAnomaly[] = [
	{ kind: 'long-stay', plate: 'KA 01 AB 1234', at: 1000, sessionRef: 1 },
	{ kind: 'plate-mismatch', plate: 'KA01A81234', at: 1500 },
	{ kind: 'long-stay', plate: 'KA01AB1234', at: 5000 },
	{ kind: 'over-capacity', plate: null, at: 40_000 },
	{ kind: 'unreadable-plate', plate: null, at: 300 }
];

const scores = (detected: DetectedAnomaly[]) => {
	const { byKind } = scoreAnomalies(TRUTH, detected);
	return Object.fromEntries(
		Object.entries(byKind).flatMap(([kind, s]) => (s.tp + s.fp + s.fn === 0 ? [] : [[kind, [s.tp, s.fp, s.fn]]]))
	);
};

describe('scoreAnomalies', () => {
	test('perfect detections score 1 everywhere, every kind listed', () => {
		const report = scoreAnomalies(TRUTH, PERFECT);
		expect(Object.keys(report.byKind).sort()).toEqual([...ANOMALY_KINDS].sort());
		for (const score of Object.values(report.byKind))
			expect(score).toMatchObject({ fp: 0, fn: 0, precision: 1, recall: 1 });
		expect(report.missed).toEqual([]);
		expect(report.spurious).toEqual([]);
	});

	test.each<[string, DetectedAnomaly[], Record<string, number[]>]>([
		[
			'a missed long stay',
			PERFECT.slice(1),
			{ 'long-stay': [1, 0, 1], 'plate-mismatch': [1, 0, 0], 'over-capacity': [1, 0, 0], 'unreadable-plate': [1, 0, 0] }
		],
		['a repeated detection', [...PERFECT, PERFECT[2] as DetectedAnomaly], { 'long-stay': [2, 1, 0] }],
		['the wrong plate', [{ kind: 'long-stay', plate: 'KA01AB9999', at: 1000 }], { 'long-stay': [0, 1, 2] }],
		[
			'a plate mismatch reported by the session plate',
			[{ kind: 'plate-mismatch', plate: 'KA01AB1234', at: 1500 }],
			{ 'plate-mismatch': [1, 0, 0] }
		],
		['outside the visit', [{ kind: 'long-stay', plate: 'KA01AB1234', at: 3000 }], { 'long-stay': [0, 1, 2] }],
		[
			'another session',
			[{ kind: 'long-stay', plate: 'KA01AB1234', at: 1000, sessionRef: 7 }],
			{ 'long-stay': [0, 1, 2] }
		],
		['no instant: matched by plate alone', [{ kind: 'long-stay', plate: 'KA01AB1234' }], { 'long-stay': [1, 0, 1] }],
		[
			'over capacity on another day',
			[{ kind: 'over-capacity', plate: null, at: 86_400_000 }],
			{ 'over-capacity': [0, 1, 1] }
		],
		[
			'a kind the simulator does not know',
			[{ kind: 'tailgating', plate: 'KA01AB1234', at: 1 }],
			{ tailgating: [0, 1, 0] }
		]
	])('%s', (_, detected, expected) => {
		const all = scores(detected);
		for (const [kind, counts] of Object.entries(expected)) expect(all[kind], kind).toEqual(counts);
	});

	test('nothing detected: precision 1, recall 0', () => {
		expect(scoreAnomalies(TRUTH, []).byKind['long-stay']).toEqual({ tp: 0, fp: 0, fn: 2, precision: 1, recall: 0 });
	});

	test('finds the maximum matching, not the greedy one', () => {
		// The first detection fits both truths; taken greedily it would strand the second.
		const twoVisits = [
			truth({ window: { fromMs: 0, untilMs: 100 }, entryIndex: 1 }),
			truth({ window: { fromMs: 50, untilMs: 60 }, entryIndex: 2 })
		];
		const detected = [
			{ kind: 'long-stay', plate: 'KA01AB1234', at: 55 },
			{ kind: 'long-stay', plate: 'KA01AB1234', at: 10 }
		];
		expect(scoreAnomalies(twoVisits, detected).byKind['long-stay']).toMatchObject({ tp: 2, fp: 0, fn: 0 });
	});

	test('accepts a whole truth object', () => {
		const report = scoreAnomalies({ anomalies: TRUTH, faults: [], visits: [], stats: {} as never }, PERFECT);
		expect(report.byKind['long-stay']?.tp).toBe(2);
	});
});
