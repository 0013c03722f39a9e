/**
 * `npm run bench`: builds the app, runs every benchmark and evaluation one after another with its
 * defaults (the sizes the issues' goals are stated for), and writes bench/RESULTS.md: the machine,
 * the date, and each figure against its goal (bench/goals.ts). Each bench prints as it always does
 * (passed through here, and kept in a log file per bench); its figures come from the JSON it
 * writes when BENCH_JSON is set (bench/report.ts). A bench that fails or times out is reported as
 * failed with the end of its output, never left out.
 *
 *   npm run bench -- [--only a,b] [--skip a,b] [--no-build] [--timeout-min 90] [--out bench/RESULTS.md]
 *
 * Names are the npm scripts (bench:gates, eval:lpr, …). It takes an hour or more on a 2-core
 * machine. Ports: 4810 and up (BENCH_PORT_BASE moves them).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem, arch } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { FIGURES, goalText, meets } from './goals.ts';
import type { BenchReport, Figure } from './report.ts';
import { root } from './support.ts';

const { values } = parseArgs({
	options: {
		only: { type: 'string' },
		skip: { type: 'string' },
		'no-build': { type: 'boolean', default: false },
		'timeout-min': { type: 'string', default: '90' },
		out: { type: 'string', default: join(root, 'bench/RESULTS.md') }
	},
	strict: true
});
const portBase = Number(process.env.BENCH_PORT_BASE ?? 4810);

interface Entry {
	/** how RESULTS.md names the run */
	id: string;
	/** the npm script; goals are looked up by it */
	script: string;
	args: string[];
	env?: Record<string, string>;
	/** needs the built app */
	build?: boolean;
	/** left out quietly when the script doesn't exist (yet) */
	optional?: boolean;
}

const BENCHES: Entry[] = [
	{ id: 'bench:lpr', script: 'bench:lpr', args: [] },
	// --no-write: the model card's table is the model's owner's to update, not a side effect of this
	{ id: 'eval:lpr', script: 'eval:lpr', args: ['--no-write'] },
	{ id: 'bench:sessions', script: 'bench:sessions', args: ['--port', String(portBase)], build: true },
	{ id: 'bench:gates', script: 'bench:gates', args: ['--port', String(portBase + 10)], build: true },
	{ id: 'bench:pwa', script: 'bench:pwa', args: [], env: { BENCH_PORT: String(portBase + 20) }, build: true },
	{ id: 'bench:sms', script: 'bench:sms', args: [] },
	{ id: 'bench:reports', script: 'bench:reports', args: [] },
	{ id: 'eval:anomalies', script: 'eval:anomalies', args: [] },
	{ id: 'eval:anomalies --engine mysql', script: 'eval:anomalies', args: ['--engine', 'mysql'] },
	{ id: 'bench:faults', script: 'bench:faults', args: [], env: { BENCH_PORT_BASE: String(portBase + 30) }, build: true, optional: true }
];

interface Outcome {
	entry: Entry;
	status: 'ok' | 'failed' | 'timed out' | 'not run';
	code: number | null;
	seconds: number;
	figures: Record<string, Figure>;
	notes: string[];
	tail: string[];
	log: string;
}

const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const only = list(values.only);
const skip = list(values.skip) ?? [];
const chosen = BENCHES.filter((b) => (!only || only.includes(b.id) || only.includes(b.script)) && !skip.includes(b.id) && !skip.includes(b.script)).filter((b) => !b.optional || scripts[b.script]);
const logDir = mkdtempSync(join(tmpdir(), 'spms-bench-'));
const timeoutMs = Number(values['timeout-min']) * 60_000;

/** Runs `npm run <script> -- args`, passing its output through, keeping the last lines. */
function run(entry: Entry, log: string, json?: string): Promise<{ code: number | null; timedOut: boolean; tail: string[] }> {
	return new Promise((resolve) => {
		const out = createWriteStream(log);
		const args = ['run', '--silent', entry.script, ...(entry.args.length ? ['--', ...entry.args] : [])];
		const child = spawn('npm', args, {
			cwd: root,
			env: { ...process.env, ...entry.env, ...(json ? { BENCH_JSON: json } : {}) },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true // its own process group: a timeout ends the servers and browsers it started too
		});
		let tail = '';
		const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
			to.write(chunk);
			out.write(chunk);
			// progress lines redraw with \r: keep what the last redraw left
			tail = (tail + chunk.toString()).split('\n').map((l) => l.split('\r').pop()!).join('\n').slice(-8000);
		};
		child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
		child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				process.kill(-child.pid!, 'SIGTERM');
				setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000).unref();
			} catch {
				// already gone
			}
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			out.end();
			resolve({ code, timedOut, tail: tail.trimEnd().split('\n').slice(-25) });
		});
	});
}

function machine() {
	const os = existsSync('/etc/os-release') ? (/^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux') : process.platform;
	return {
		cpu: cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown',
		cores: availableParallelism(),
		ramGb: totalmem() / 2 ** 30,
		os: `${os}, ${process.platform === 'linux' ? 'Linux' : process.platform} ${release()} ${arch()}`,
		node: process.version
	};
}

function gitCommit(): Promise<string> {
	return new Promise((resolve) => {
		const child = spawn('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.on('close', () => resolve(out.trim() || 'unknown'));
		child.on('error', () => resolve('unknown'));
	});
}

const duration = (s: number) => (s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

function format(value: Figure, unit = ''): string {
	if (value === null) return '—';
	if (typeof value !== 'number') return String(value);
	const abs = Math.abs(value);
	const digits = Number.isInteger(value) ? 0 : abs >= 100 ? 0 : abs >= 10 || unit === '%' ? 1 : abs >= 1 ? 2 : 4;
	return `${value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit ? ` ${unit}` : ''}`;
}

// ---- run ------------------------------------------------------------------------------------------
const startedAt = new Date();
const loadStart = loadavg();
const commit = await gitCommit();
const outcomes: Outcome[] = [];
console.log(`npm run bench: ${chosen.map((b) => b.id).join(', ')}; logs in ${logDir}`);

let buildFailed: string[] | null = null;
if (!values['no-build'] && chosen.some((b) => b.build)) {
	console.log('\n=== npm run build');
	const built = await run({ id: 'build', script: 'build', args: [] }, join(logDir, 'build.log'));
	if (built.code !== 0) buildFailed = built.tail;
}

for (const entry of chosen) {
	const name = entry.id.replace(/[^\w.-]+/g, '_');
	const log = join(logDir, `${name}.log`);
	const json = join(logDir, `${name}.json`);
	if (entry.build && buildFailed) {
		outcomes.push({ entry, status: 'not run', code: null, seconds: 0, figures: {}, notes: ['npm run build failed'], tail: buildFailed, log });
		continue;
	}
	console.log(`\n=== ${entry.id}  (npm run ${entry.script}${entry.args.length ? ` -- ${entry.args.join(' ')}` : ''})`);
	const t0 = performance.now();
	const result = await run(entry, log, json);
	const seconds = (performance.now() - t0) / 1000;
	let report: BenchReport | undefined;
	try {
		if (existsSync(json)) report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
	} catch {
		report = undefined;
	}
	const status = result.timedOut ? 'timed out' : result.code === 0 ? 'ok' : 'failed';
	outcomes.push({ entry, status, code: result.code, seconds, figures: report?.figures ?? {}, notes: report?.notes ?? [], tail: result.tail, log });
}

// the shipped models' sizes (a goal of #5): measured here, no bench of its own
const modelFigures: Record<string, Figure> = {};
for (const m of ['detector', 'reader', 'refiner']) {
	const file = join(root, `models/${m}.onnx`);
	modelFigures[`${m}.mb`] = existsSync(file) ? statSync(file).size / 1e6 : null;
}
// the corner refiner is the detector's second look at each plate: they share its budget
const [detectorMb, refinerMb] = [modelFigures['detector.mb'], modelFigures['refiner.mb']];
modelFigures['detection.mb'] = typeof detectorMb === 'number' ? detectorMb + (typeof refinerMb === 'number' ? refinerMb : 0) : null;
outcomes.unshift({ entry: { id: 'models', script: 'models', args: [] }, status: 'ok', code: 0, seconds: 0, figures: modelFigures, notes: ['sizes of models/*.onnx (MB = 10^6 bytes)'], tail: [], log: '' });
const loadEnd = loadavg();

// ---- RESULTS.md -----------------------------------------------------------------------------------
const m = machine();
const lines: string[] = [];
const push = (...l: string[]) => lines.push(...l);
push(
	'# Benchmark results',
	'',
	`Written by \`npm run bench\` (bench/run-all.ts) on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}, in ${duration((Date.now() - startedAt.getTime()) / 1000)}. ` +
		'Every figure is checked against its goal from the issues (bench/goals.ts). Each bench ran once with its defaults; the numbers move with the machine\'s load, which is shown.',
	'',
	'## Machine',
	'',
	`- CPU: ${m.cpu}, ${m.cores} cores`,
	`- RAM: ${m.ramGb.toFixed(1)} GiB`,
	`- OS: ${m.os}`,
	`- Node: ${m.node}`,
	`- Load average (1/5/15 min): ${loadStart.map((v) => v.toFixed(1)).join(' / ')} at the start, ${loadEnd.map((v) => v.toFixed(1)).join(' / ')} at the end`,
	''
);

push('## Runs', '', '| bench | status | time | goals met |', '|---|---|---|---|');
for (const o of outcomes) {
	const specs = FIGURES.filter((f) => f.bench === o.entry.script && f.goal);
	const judged = specs.filter((f) => typeof o.figures[f.figure] === 'number');
	const met = judged.filter((f) => meets(f.goal!, o.figures[f.figure] as number)).length;
	const status = o.status === 'ok' ? 'ok' : o.status === 'not run' ? `**not run** (${o.notes[0]})` : `**${o.status}**${o.code !== null && o.status === 'failed' ? ` (exit code ${o.code})` : ''}`;
	push(`| ${o.entry.id} | ${status} | ${o.seconds ? duration(o.seconds) : '—'} | ${specs.length ? `${met} of ${specs.length}${judged.length < specs.length ? ` (${specs.length - judged.length} not measured)` : ''}` : '—'} |`);
}
if (!chosen.some((b) => b.script === 'bench:faults')) push('', 'bench:faults: no such script yet (its goals are listed below as not measured).');
push('');

push('## Goals', '', '| issue | bench | figure | measured | goal | |', '|---|---|---|---|---|---|');
const byScript = (script: string) => outcomes.filter((o) => o.entry.script === script);
for (const spec of FIGURES.filter((f) => f.goal)) {
	const runs = byScript(spec.bench);
	if (!runs.length) {
		push(`| #${spec.goal!.issue} | ${spec.bench} | ${spec.label} | not run | ${goalText(spec.goal!, spec.unit)} | — |`);
		continue;
	}
	for (const o of runs) {
		const v = o.figures[spec.figure];
		const verdict = typeof v === 'number' ? (meets(spec.goal!, v) ? 'met' : '**not met**') : o.status === 'ok' ? 'not reported' : `**${o.status}**`;
		push(`| #${spec.goal!.issue} | ${o.entry.id} | ${spec.label} | ${typeof v === 'number' ? format(v, spec.unit) : '—'} | ${goalText(spec.goal!, spec.unit)} | ${verdict} |`);
	}
}
push('');

push('## Each bench');
for (const o of outcomes) {
	push('', `### ${o.entry.id}`, '');
	push(`${o.status === 'ok' ? 'ok' : `**${o.status}**${o.code !== null && o.status === 'failed' ? `, exit code ${o.code}` : ''}`}${o.seconds ? `, ${duration(o.seconds)}` : ''}${o.entry.script !== 'models' ? ` — \`npm run ${o.entry.script}${o.entry.args.length ? ` -- ${o.entry.args.join(' ')}` : ''}\`` : ''}`);
	for (const n of o.notes) push('', `- ${n}`);
	const names = Object.keys(o.figures);
	if (names.length) {
		push('', '| figure | value | goal |', '|---|---|---|');
		const known = FIGURES.filter((f) => f.bench === o.entry.script && f.figure in o.figures);
		const rest = names.filter((n) => !known.some((f) => f.figure === n));
		for (const f of known) push(`| ${f.label} | ${format(o.figures[f.figure]!, f.unit)} | ${f.goal ? `${goalText(f.goal, f.unit)} (#${f.goal.issue})` : ''} |`);
		for (const n of rest) push(`| ${n} | ${format(o.figures[n]!)} | |`);
	} else if (o.status === 'ok') push('', 'No machine-readable figures (the bench printed its numbers only; see its log).');
	if (o.status !== 'ok' && o.tail.length) push('', 'The end of its output:', '', '```', ...o.tail, '```');
}
push('');
mkdirSync(join(values.out!, '..'), { recursive: true });
writeFileSync(values.out!, lines.join('\n'));
console.log(`\nwrote ${relative(process.cwd(), values.out!) || values.out}; logs in ${logDir}`);
const failed = outcomes.filter((o) => o.status !== 'ok');
if (failed.length) {
	console.log(`not ok: ${failed.map((o) => `${o.entry.id} (${o.status})`).join(', ')}`);
	process.exitCode = 1;
}
