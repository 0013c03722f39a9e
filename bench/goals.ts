/**
 * Every measured goal of SPMS in one table, as the issues set them (the issue number is kept with
 * each), and the labels of the figures each bench reports (bench/report.ts). `npm run bench`
 * (bench/run-all.ts) checks each figure against its goal here when it writes bench/RESULTS.md.
 * A goal changes here, with its issue; the benches' own printed "goal" lines say the same.
 */

export type Op = '<=' | '>=' | '=';

export interface FigureSpec {
	/** the npm script that measures it */
	bench: string;
	/** the figure's name in the bench's report */
	figure: string;
	label: string;
	unit: string;
	goal?: { op: Op; target: number; issue: number };
}

const ms = 'ms';
const g = (op: Op, target: number, issue: number) => ({ op, target, issue });

export const FIGURES: readonly FigureSpec[] = [
	// #5 plate recognition
	{ bench: 'models', figure: 'detector.mb', label: 'detector.onnx size', unit: 'MB' },
	{ bench: 'models', figure: 'refiner.mb', label: 'refiner.onnx size (the corner refiner, optional)', unit: 'MB' },
	{ bench: 'models', figure: 'detection.mb', label: 'detector.onnx + refiner.onnx size (both find the plate)', unit: 'MB', goal: g('<=', 6, 5) },
	{ bench: 'models', figure: 'reader.mb', label: 'reader.onnx size', unit: 'MB', goal: g('<=', 3, 5) },
	{ bench: 'bench:lpr', figure: 'node.p50', label: 'detect + read per 1280×720 frame, Node (onnxruntime-node, best thread count), p50', unit: ms, goal: g('<=', 25, 5) },
	{ bench: 'bench:lpr', figure: 'node.p95', label: 'the same, p95', unit: ms },
	{ bench: 'bench:lpr', figure: 'chromium.p50', label: 'detect + read per 1280×720 frame, Chromium Web Worker (best configuration), p50', unit: ms, goal: g('<=', 60, 5) },
	{ bench: 'bench:lpr', figure: 'chromium.p95', label: 'the same, p95', unit: ms },
	{ bench: 'bench:lpr', figure: 'node.loadMs', label: 'model load in Node (OpenCV + models)', unit: ms },
	{ bench: 'bench:lpr', figure: 'node.peakMb', label: 'peak RSS in Node', unit: 'MB' },
	{ bench: 'eval:lpr', figure: 'detector.recall', label: 'detector recall at IoU ≥ 0.5, real scenes (val)', unit: '%', goal: g('>=', 97, 5) },
	{ bench: 'eval:lpr', figure: 'detector.precision', label: 'detector precision, real scenes (val)', unit: '%' },
	{ bench: 'eval:lpr', figure: 'detection.recall', label: 'detector + corner refiner recall at IoU ≥ 0.5 (the boxes readFrame reports), real scenes (val)', unit: '%', goal: g('>=', 97, 5) },
	{ bench: 'eval:lpr', figure: 'detection.precision', label: 'detector + corner refiner precision, real scenes (val)', unit: '%' },
	{ bench: 'eval:lpr', figure: 'reader.exact.in-lprnet-crops', label: 'reader exact match, real Indian crops (val)', unit: '%', goal: g('>=', 95, 5) },
	{ bench: 'eval:lpr', figure: 'reader.exact.br-openalpr-crops', label: 'reader exact match, real Brazilian crops (val)', unit: '%', goal: g('>=', 97, 5) },
	{ bench: 'eval:lpr', figure: 'reader.exact.eu-openalpr-crops', label: 'reader exact match, real European crops (val)', unit: '%', goal: g('>=', 90, 5) },
	{ bench: 'eval:lpr', figure: 'e2e.exact', label: 'end-to-end exact plate, synthetic test set (all countries)', unit: '%', goal: g('>=', 97, 5) },
	// #4 sessions and anomalies
	{ bench: 'bench:sessions', figure: 'mysql.pairsPerSecond', label: 'entry+exit pairs/s over HTTP, MariaDB, 64 clients', unit: 'pairs/s', goal: g('>=', 1000, 4) },
	{ bench: 'bench:sessions', figure: 'mysql.p99', label: 'request p99, MariaDB, 64 clients', unit: ms, goal: g('<=', 50, 4) },
	{ bench: 'bench:sessions', figure: 'mysql.errors', label: 'failed requests, MariaDB', unit: '' },
	{ bench: 'bench:sessions', figure: 'sqlite.pairsPerSecond', label: 'entry+exit pairs/s over HTTP, SQLite, 64 clients', unit: 'pairs/s' },
	{ bench: 'bench:sessions', figure: 'sqlite.p99', label: 'request p99, SQLite, 64 clients', unit: ms },
	{ bench: 'eval:anomalies', figure: 'precision.min', label: 'anomaly precision, worst kind (simulated week with faults)', unit: '', goal: g('>=', 0.98, 4) },
	{ bench: 'eval:anomalies', figure: 'recall.min', label: 'anomaly recall, worst kind', unit: '', goal: g('>=', 0.98, 4) },
	// #6 gates
	{ bench: 'bench:gates', figure: 'p50', label: 'capture decision latency p50 (200 gates, 20/s, 10 % retried, MariaDB)', unit: ms },
	{ bench: 'bench:gates', figure: 'p95', label: 'capture decision latency p95', unit: ms },
	{ bench: 'bench:gates', figure: 'p99', label: 'capture decision latency p99', unit: ms, goal: g('<=', 300, 6) },
	{ bench: 'bench:gates', figure: 'errors', label: 'failed posts', unit: '', goal: g('=', 0, 6) },
	{ bench: 'bench:gates', figure: 'mismatched', label: 'retries answered differently from their first post', unit: '', goal: g('=', 0, 6) },
	{ bench: 'bench:gates', figure: 'duplicates', label: 'duplicate sessions', unit: '', goal: g('=', 0, 6) },
	// #7 PWA
	{ bench: 'bench:pwa', figure: 'shellGzipKb', label: 'app-shell JS, gzip', unit: 'KB', goal: g('<=', 150, 7) },
	{ bench: 'bench:pwa', figure: 'modelsMb', label: 'models + WASM (ORT, and OpenCV.js with its WASM), as downloaded', unit: 'MB', goal: g('<=', 12, 7) },
	{ bench: 'bench:pwa', figure: 'modelsCachedMb', label: 'the same, as kept in the phone’s cache (OpenCV.js uncompressed)', unit: 'MB' },
	{ bench: 'bench:pwa', figure: 'coldS', label: 'first navigation → ready to scan, cold', unit: 's' },
	{ bench: 'bench:pwa', figure: 'warmS', label: 'first navigation → ready to scan, warm', unit: 's' },
	{ bench: 'bench:pwa', figure: 'fps', label: 'live scanner frames/s (median)', unit: 'frames/s', goal: g('>=', 15, 7) },
	// #8 SMS
	{ bench: 'bench:sms', figure: 'drainMock', label: 'outbox drained through the Twilio mock (Prism)', unit: 'messages/s' },
	{ bench: 'bench:sms', figure: 'drainFake', label: 'outbox drained straight into the fake', unit: 'messages/s' },
	{ bench: 'bench:sms', figure: 'lost', label: 'messages lost under injected faults', unit: '', goal: g('=', 0, 8) },
	{ bench: 'bench:sms', figure: 'duplicated', label: 'messages sent twice under injected faults', unit: '', goal: g('=', 0, 8) },
	// #9 reports
	{ bench: 'bench:reports', figure: 'worstP95', label: 'slowest report p95, 1,000,000 sessions (MariaDB)', unit: ms, goal: g('<=', 500, 9) },
	{ bench: 'bench:reports', figure: 'dashboardFirstP95', label: "dashboard's first data p95", unit: ms, goal: g('<=', 500, 9) },
	{ bench: 'bench:reports', figure: 'dashboardP95', label: "dashboard's whole page data p95", unit: ms },
	// #11 faults (bench/faults.ts)
	{ bench: 'bench:faults', figure: 'lost', label: 'gate captures lost across the outages', unit: '', goal: g('=', 0, 11) },
	{ bench: 'bench:faults', figure: 'duplicated', label: 'gate captures decided twice (duplicate sessions) across the outages', unit: '', goal: g('=', 0, 11) },
	{ bench: 'bench:faults', figure: 'unanswered', label: 'gate captures never answered (given up)', unit: '', goal: g('=', 0, 11) },
	{ bench: 'bench:faults', figure: 'imagesMissing', label: 'capture photos not in S3 once it was back (spooled ones uploaded)', unit: '', goal: g('=', 0, 11) },
	{ bench: 'bench:faults', figure: 'recoverySeconds', label: 'first capture answered after MariaDB answered again', unit: 's' }
];

/** The spec of a bench's figure, if goals.ts knows it. */
export function figureSpec(bench: string, figure: string): FigureSpec | undefined {
	return FIGURES.find((f) => f.bench === bench && f.figure === figure);
}

/** The goal of a bench's figure, for a bench to print (`≥ 1000 pairs/s`). */
export function goalOf(bench: string, figure: string): { op: Op; target: number } {
	const goal = figureSpec(bench, figure)?.goal;
	if (!goal) throw new Error(`bench/goals.ts has no goal for ${bench} ${figure}`);
	return goal;
}

/** Whether `value` meets the goal. */
export function meets(goal: { op: Op; target: number }, value: number): boolean {
	return goal.op === '<=' ? value <= goal.target : goal.op === '>=' ? value >= goal.target : value === goal.target;
}

/** `≤ 300 ms`, `≥ 97 %`, `0`. */
export function goalText(goal: { op: Op; target: number }, unit: string): string {
	const op = goal.op === '<=' ? '≤ ' : goal.op === '>=' ? '≥ ' : '';
	return `${op}${goal.target.toLocaleString('en')}${unit && unit !== '' ? ` ${unit}` : ''}`;
}
