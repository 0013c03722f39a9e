/**
 * Machine-readable results for `npm run bench` (bench/run-all.ts). When the environment variable
 * BENCH_JSON names a file, a bench writes its figures there as one JSON object
 * (`{"bench","figures":{name: value},"notes":[]}`; several calls merge); run by hand it writes
 * nothing, and what it prints for people is the same either way. Figure names are the ones
 * bench/goals.ts lists; a figure with no entry there is shown as measured, without a goal.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export type Figure = number | string | boolean | null;

export interface BenchReport {
	bench: string;
	figures: Record<string, Figure>;
	notes: string[];
}

/**
 * Records figures of `bench` for the runner (a no-op without BENCH_JSON).
 * @param notes short lines about the run worth keeping with the numbers (the data used, a caveat)
 */
export function reportFigures(bench: string, figures: Record<string, Figure>, notes: string[] = []): void {
	const file = process.env.BENCH_JSON;
	if (!file) return;
	const prior: BenchReport = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchReport) : { bench, figures: {}, notes: [] };
	// NaN and ±Infinity aren't JSON: kept as null (no measurement)
	const clean = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]));
	const next: BenchReport = { bench, figures: { ...prior.figures, ...clean }, notes: [...prior.notes, ...notes] };
	writeFileSync(file, `${JSON.stringify(next, null, 1)}\n`);
}
