/**
 * `npm run simulate -- --lot "Forum Mall" [--hours 24 | --days N] [--start …] [--seed N] [--clean]`:
 * fills a lot with a believable day (or days) of traffic, applied through the real services on
 * the app's database (DATA_DIR/spms.sqlite, or DATABASE_URL): the lot is created when no lot has
 * that name (500 spaces, the configured zone and currency) or reused, gates, permits and hotlist
 * are loaded, and every entry, exit, scan and payment happens at its simulated instant. Faults
 * (misreads, duplicate reads, missed entries, long stays…) are injected unless `--clean`.
 *
 * The window ends now unless `--start` is given (YYYY-MM-DD or YYYY-MM-DDTHH:MM in the lot's
 * zone, or an ISO instant). Every option is checked before the database is opened; a bad one
 * exits with code 2.
 */
import { parseArgs } from 'node:util';
import { ANOMALY_KINDS, formatMoney } from '../src/lib/parking/index.ts';
import {
	MAX_HOURS,
	NO_FAULTS,
	defaultLot,
	resolveOptions,
	simulateTraffic,
	summary,
	type SimLot
} from '../src/lib/parking/simulator/index.ts';
import { parkingSettings, startApp } from '../src/lib/server/app.ts';
import { ConfigError, config, type Config } from '../src/lib/server/config.ts';
import { AppError } from '../src/lib/server/http/errors.ts';
import { lots } from '../src/lib/server/parking/lots.ts';
import { searchSessions } from '../src/lib/server/parking/sessions.ts';
import { countByKind, detectedAnomalies, driveSimulation, prepareSimulation, simulationLotFor } from '../src/lib/server/parking/simulation-driver.ts';
import { elapsed, hoursOption, intOption, parseStart, UsageError, USAGE_EXIT } from './simulation-cli.ts';

const USAGE =
	'Usage: npm run simulate -- --lot <name> [--hours 24 | --days N] [--start YYYY-MM-DD[THH:MM] | ISO instant] [--seed N] [--clean]';
const MINUTE_MS = 60_000;

interface Options {
	name: string;
	hours: number;
	start: string | undefined;
	seed: number;
	clean: boolean;
}

function parseOptions(): Options {
	const { values } = parseArgs({
		options: {
			lot: { type: 'string' },
			hours: { type: 'string' },
			days: { type: 'string' },
			start: { type: 'string' },
			seed: { type: 'string' },
			clean: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h' }
		},
		strict: true,
		allowPositionals: false
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	const name = values.lot?.trim() ?? '';
	if (name === '') throw new UsageError('--lot is required: the name of the lot to fill (made when no lot has that name)');
	if (name.length > 100) throw new UsageError(`--lot must be at most 100 characters, got ${name.length}`);
	if (values.hours !== undefined && values.days !== undefined) throw new UsageError('give --hours or --days, not both');
	const hours =
		values.days !== undefined ? intOption('days', values.days, 1, 1, MAX_HOURS / 24) * 24 : hoursOption(values.hours, 24, MAX_HOURS);
	const seed = intOption('seed', values.seed, 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
	return { name, hours, start: values.start, seed, clean: values.clean ?? false };
}

/** The window's start in `timeZone`: `--start`, or `hours` before now (to the minute). */
function startOf(options: Options, timeZone: string, now: number): number {
	if (options.start !== undefined) return parseStart(options.start, timeZone);
	return Math.floor((now - options.hours * 3_600_000) / MINUTE_MS) * MINUTE_MS;
}

const simulationOptions = (options: Options, lot: SimLot, startMs: number) => ({
	seed: options.seed,
	startMs,
	hours: options.hours,
	lot,
	...(options.clean ? { faults: NO_FAULTS } : {})
});

function where(cfg: Config): string {
	if (cfg.database.engine === 'sqlite') return `SQLite ${cfg.database.file}`;
	const url = new URL(cfg.database.url);
	return `MySQL ${url.host}${url.pathname}`;
}

/** Checks everything that can be checked without the database; exits 2 on a bad option. */
function validate(): { options: Options; cfg: Config; now: number } {
	try {
		const options = parseOptions();
		const cfg = config();
		const now = Date.now();
		const lot = { ...defaultLot('in'), timeZone: cfg.defaultTimeZone, lowConfidenceThreshold: cfg.ocrConfidenceThreshold };
		resolveOptions(simulationOptions(options, lot, startOf(options, lot.timeZone, now)));
		return { options, cfg, now };
	} catch (error) {
		usageExit(error);
	}
}

function usageExit(error: unknown): never {
	const parseError = error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
	if (!(error instanceof UsageError || error instanceof ConfigError || error instanceof RangeError || parseError)) throw error;
	const message = (error as Error).message;
	// the simulated lot's threshold is the system's, so name the variable it comes from
	console.error(message.includes('lowConfidenceThreshold') ? `${message} (OCR_CONFIDENCE_THRESHOLD)` : message);
	if (!(error instanceof ConfigError)) console.error(USAGE);
	process.exit(USAGE_EXIT);
}

async function main(): Promise<void> {
	const { options, cfg, now } = validate();
	const settings = parkingSettings(cfg);
	const { db } = await startApp(cfg);
	try {
		const existing = (await lots(db)).find((lot) => lot.name.toLowerCase() === options.name.toLowerCase());
		let simLot: SimLot;
		let startMs: number;
		try {
			simLot = existing
				? simulationLotFor(existing, settings)
				: { ...defaultLot('in'), timeZone: cfg.defaultTimeZone, lowConfidenceThreshold: settings.ocrConfidenceThreshold };
			startMs = startOf(options, simLot.timeZone, now);
			resolveOptions(simulationOptions(options, simLot, startMs));
		} catch (error) {
			usageExit(error);
		}
		if (existing) {
			// Replaying a window over the lot's own traffic would mix two histories.
			const parked = (await searchSessions(db, { lotId: existing.id, status: 'active' }, 1, 0)).total;
			const later = (await searchSessions(db, { lotId: existing.id, from: startMs }, 1, 0)).total;
			if (parked > 0 || later > 0) {
				console.error(
					`Lot "${existing.name}" already has ${parked > 0 ? `${parked} vehicle(s) parked` : `${later} session(s) from ${new Date(startMs).toISOString()} on`}; ` +
						'nothing was written. Simulate another lot (--lot "<new name>"), or a --start after its last session with none parked.'
				);
				process.exit(USAGE_EXIT);
			}
		}

		const started = performance.now();
		const simulation = simulateTraffic(simulationOptions(options, simLot, startMs));
		const target = await prepareSimulation(db, simulation, settings, { name: options.name, currency: cfg.defaultCurrency, existing });
		const report = await driveSimulation(db, simulation, target, settings, {
			onProgress: (done, total) => {
				if (process.stderr.isTTY) process.stderr.write(`\r  ${done}/${total} events`);
			}
		});
		if (process.stderr.isTTY) process.stderr.write('\n');
		const detected = await detectedAnomalies(db, target.lot.id, simulation, report.sessionRefs);

		const { lot } = target;
		const local = new Intl.DateTimeFormat('en-IN', { timeZone: lot.timeZone, dateStyle: 'medium', timeStyle: 'short' });
		const traffic = summary(simulation.events, { timeZone: lot.timeZone, longStayMinutes: lot.longStayMinutes });
		const { counts } = report;
		const byKind = countByKind(detected, ANOMALY_KINDS);
		const money = (paise: number) => formatMoney(paise, lot.currency);
		console.log(
			`${existing ? 'Filled' : 'Created and filled'} lot "${lot.name}" (${lot.id}) on ${where(cfg)}: ` +
				`${options.hours} h from ${local.format(simulation.startMs)} to ${local.format(simulation.endMs)} (${lot.timeZone}), seed ${options.seed}${options.clean ? ', no faults' : ''}, in ${elapsed(started)}.`
		);
		const kept = (loaded: number, all: number) => (loaded === all ? '' : ` (${all - loaded} there already)`);
		console.log(
			`  setup      ${target.permitsLoaded} permits${kept(target.permitsLoaded, simulation.permits.length)} and ` +
				`${target.hotlistLoaded} hotlist entries${kept(target.hotlistLoaded, simulation.hotlist.length)} loaded; gates ${target.entryGateId} (entry), ${target.exitGateId} (exit)`
		);
		console.log(
			`  sessions   ${counts.sessionsStarted} started, ${counts.sessionsEnded} completed, ${counts.stillParked} still parked; ` +
				`peak ${traffic.peakOccupancy} inside${traffic.peakAt === null ? '' : ` at ${local.format(traffic.peakAt)}`}, median stay ${Math.round(traffic.stay.medianMinutes)} min`
		);
		console.log(
			`  reads      ${counts.entryReads} entry, ${counts.exitReads} exit: ${counts.duplicateReads} duplicate, ${counts.unreadableReads} unreadable, ` +
				`${counts.mismatches} misread at exit (${counts.confirmed} confirmed by the operator), ${counts.exitsWithoutEntry} without an entry; ${counts.scans} scans`
		);
		console.log(`  anomalies  ${detected.length}: ${Object.entries(byKind).map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
		console.log(`  revenue    ${money(report.feesPaise)} charged, ${money(report.paidPaise)} paid in ${counts.payments} payments (${lot.currency})`);
	} finally {
		await db.close();
	}
}

try {
	await main();
} catch (error) {
	if (error instanceof AppError) {
		console.error(`The services refused the simulation: ${error.message}`);
		process.exit(1);
	}
	throw error;
}
