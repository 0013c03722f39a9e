/**
 * `npm run eval:anomalies [-- --days 7 --seed 1 --engine sqlite|mysql --start 2026-03-02]`:
 * simulates a week of a 500-space lot with injected faults, drives it through the real services
 * on a throwaway database (in-memory SQLite, or a database made and dropped on the MariaDB at
 * MARIADB_TEST_URL, default root@127.0.0.1:3306), and prints precision and recall of every
 * anomaly kind against the simulator's truth. Goal: ≥ 0.98 both, for every kind.
 * `--show N` lists up to N missed and spurious anomalies per kind (default 5).
 */
import { parseArgs } from 'node:util';
import { ANOMALY_KINDS } from '../src/lib/parking/index.ts';
import { defaultLot, scoreAnomalies, simulateTraffic, type KindScore, type Simulation } from '../src/lib/parking/simulator/index.ts';
import { parkingSettings } from '../src/lib/server/app.ts';
import { ConfigError, config } from '../src/lib/server/config.ts';
import { createTestDatabase, mariadbAvailable, MARIADB_TEST_URL } from '../src/lib/server/db/testing.ts';
import { detectedAnomalies, driveSimulation, prepareSimulation } from '../src/lib/server/parking/simulation-driver.ts';
import { elapsed, intOption, parseStart, UsageError, USAGE_EXIT } from './simulation-cli.ts';
import { goalOf } from '../bench/goals.ts';
import { reportFigures } from '../bench/report.ts';

const GOAL = goalOf('eval:anomalies', 'precision.min').target;
const USAGE = 'Usage: npm run eval:anomalies -- [--days 1-92] [--seed N] [--engine sqlite|mysql] [--start YYYY-MM-DD] [--show N]';

function options() {
	const { values } = parseArgs({
		options: {
			days: { type: 'string' },
			seed: { type: 'string' },
			engine: { type: 'string' },
			start: { type: 'string' },
			show: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		},
		strict: true,
		allowPositionals: false
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const engine = values.engine ?? 'sqlite';
	if (engine !== 'sqlite' && engine !== 'mysql') throw new UsageError(`--engine must be sqlite or mysql, got "${engine}"`);
	const settings = parkingSettings(config());
	const lot = { ...defaultLot('in'), lowConfidenceThreshold: settings.ocrConfidenceThreshold };
	return {
		engine: engine as 'sqlite' | 'mysql',
		days: intOption('days', values.days, 7, 1, 92),
		seed: intOption('seed', values.seed, 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
		// a Monday, so a week has five weekdays and a weekend
		startMs: parseStart(values.start ?? '2026-03-02', lot.timeZone),
		show: intOption('show', values.show, 5, 0, 1000),
		settings,
		lot
	};
}

const ratio = (value: number, n: number): string => (n === 0 ? '   —  ' : value.toFixed(4));

function table(byKind: Readonly<Record<string, KindScore>>): { short: string[]; unexercised: string[] } {
	const header = ['kind', 'truth', 'found', 'tp', 'fp', 'fn', 'precision', 'recall'];
	const rows: string[][] = [];
	const short: string[] = [];
	const unexercised: string[] = [];
	const total = { tp: 0, fp: 0, fn: 0 };
	for (const [kind, s] of Object.entries(byKind)) {
		total.tp += s.tp;
		total.fp += s.fp;
		total.fn += s.fn;
		if (s.tp + s.fn === 0) unexercised.push(kind);
		if (s.precision < GOAL || s.recall < GOAL) short.push(kind);
		rows.push([kind, String(s.tp + s.fn), String(s.tp + s.fp), String(s.tp), String(s.fp), String(s.fn), ratio(s.precision, s.tp + s.fp), ratio(s.recall, s.tp + s.fn)]);
	}
	const precision = total.tp + total.fp === 0 ? 1 : total.tp / (total.tp + total.fp);
	const recall = total.tp + total.fn === 0 ? 1 : total.tp / (total.tp + total.fn);
	rows.push(['total', String(total.tp + total.fn), String(total.tp + total.fp), String(total.tp), String(total.fp), String(total.fn), precision.toFixed(4), recall.toFixed(4)]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
	const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
	console.log(line(header));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	rows.forEach((r, i) => {
		if (i === rows.length - 1) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
		console.log(line(r));
	});
	return { short, unexercised };
}

/** Options and the simulation, all checked before a database is touched; exit 2 when bad. */
function prepare(): { opts: ReturnType<typeof options>; simulation: Simulation } {
	try {
		const opts = options();
		const simulation = simulateTraffic({ seed: opts.seed, startMs: opts.startMs, hours: opts.days * 24, lot: opts.lot });
		return { opts, simulation };
	} catch (error) {
		const parseError = error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
		if (!(error instanceof UsageError || error instanceof ConfigError || error instanceof RangeError || parseError)) throw error;
		const message = (error as Error).message;
	// the simulated lot's threshold is the system's, so name the variable it comes from
	console.error(message.includes('lowConfidenceThreshold') ? `${message} (OCR_CONFIDENCE_THRESHOLD)` : message);
		console.error(USAGE);
		process.exit(USAGE_EXIT);
	}
}

async function main(): Promise<void> {
	const { opts, simulation } = prepare();
	if (opts.engine === 'mysql' && !(await mariadbAvailable())) {
		console.error(`MariaDB is not reachable at ${MARIADB_TEST_URL} (set MARIADB_TEST_URL), so --engine mysql cannot run.`);
		process.exit(1);
	}
	const injected = simulation.truth.faults.length;
	console.log(
		`Simulated ${opts.days} day(s) from ${new Date(opts.startMs).toISOString()} (seed ${opts.seed}): ${simulation.events.length} events, ` +
			`${simulation.truth.stats.admitted} visits, ${injected} faults injected, ${simulation.truth.anomalies.length} anomalies expected.`
	);
	const tdb = await createTestDatabase(opts.engine);
	try {
		const started = performance.now();
		const target = await prepareSimulation(tdb.db, simulation, opts.settings, { name: 'Evaluation lot', currency: 'INR' });
		const report = await driveSimulation(tdb.db, simulation, target, opts.settings, {
			onProgress: (done, total) => process.stderr.write(`\r  ${opts.engine}: ${done}/${total} events`)
		});
		process.stderr.write('\n');
		const detected = await detectedAnomalies(tdb.db, target.lot.id, simulation, report.sessionRefs);
		console.log(`Applied through the services on ${opts.engine} in ${elapsed(started)}; ${detected.length} anomalies raised.\n`);
		const score = scoreAnomalies(simulation.truth, detected);
		const kinds = Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, score.byKind[kind]!]));
		for (const [kind, s] of Object.entries(score.byKind)) if (!(kind in kinds)) kinds[kind] = s;
		const { short, unexercised } = table(kinds);
		const scored = Object.entries(kinds);
		const worst = (values: number[]) => (values.length ? Math.min(...values) : null);
		reportFigures(
			'eval:anomalies',
			{
				'precision.min': worst(scored.filter(([, s]) => s.tp + s.fp > 0).map(([, s]) => s.precision)),
				'recall.min': worst(scored.filter(([, s]) => s.tp + s.fn > 0).map(([, s]) => s.recall)),
				...Object.fromEntries(scored.flatMap(([kind, s]) => [[`${kind}.precision`, s.tp + s.fp > 0 ? s.precision : null], [`${kind}.recall`, s.tp + s.fn > 0 ? s.recall : null]]))
			},
			[`${opts.days} simulated day(s), seed ${opts.seed}, ${opts.engine}; ${injected} faults injected${unexercised.length ? `; not exercised: ${unexercised.join(', ')}` : ''}`]
		);
		if (opts.show > 0) {
			for (const kind of Object.keys(kinds)) {
				const missed = score.missed.filter((a) => a.kind === kind).slice(0, opts.show);
				const spurious = score.spurious.filter((a) => a.kind === kind).slice(0, opts.show);
				for (const a of missed) console.log(`  missed   ${kind} ${a.plate ?? '-'} (read ${a.readPlate ?? '-'}) at ${new Date(a.at).toISOString()} entry #${a.entryIndex ?? '-'} cause ${a.cause}`);
				for (const a of spurious) console.log(`  spurious ${kind} ${a.plate ?? '-'} at ${a.at === undefined ? '-' : new Date(a.at).toISOString()} entry #${a.sessionRef ?? '-'}`);
			}
		}
		console.log('');
		if (unexercised.length > 0) console.log(`Not exercised (no such anomaly in the simulated window): ${unexercised.join(', ')}.`);
		console.log(short.length === 0 ? `Goal met: precision and recall ≥ ${GOAL} for every kind.` : `Goal missed (< ${GOAL}) for: ${short.join(', ')}.`);
	} finally {
		await tdb.drop();
	}
}

await main();
