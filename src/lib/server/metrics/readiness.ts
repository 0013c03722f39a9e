/**
 * Readiness (`GET /readyz`): whether this instance should be sent traffic. It is ready when the
 * database answers, has every migration this build ships, and images have somewhere to go.
 * Liveness (`/healthz`) is only "the process answers"; a load balancer takes an instance out on a
 * failing readiness probe, and a supervisor restarts it on a failing liveness probe.
 */
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from '../../id.ts';
import type { Config } from '../config.ts';
import { errorCode, type Database } from '../db/database.ts';
import type { ImageStore } from '../storage/storage.ts';
import { lastAppliedMigration, ping } from './gauges.repo.ts';

export interface Readiness {
	ready: boolean;
	/** one short line per failed check, safe to show anyone (no hosts, paths or credentials) */
	reasons: string[];
	checks: {
		database: { ok: boolean; ms?: number };
		migrations: { ok: boolean; applied?: number; expected?: number; pending?: number };
		storage: { ok: boolean; backend: ImageStore['backend'] };
	};
}

export interface ReadinessDeps {
	db: Database;
	images: ImageStore;
	config: Pick<Config, 'migrationsDir' | 'dataDir'>;
}

/** How long the database may take to answer before the instance counts as not ready. */
export const DB_PROBE_TIMEOUT_MS = 2_000;

const journals = new Map<string, number[]>();

/** The `when` of each migration this build ships for an engine, read once per process. */
function shippedMigrations(migrationsDir: string, engine: Database['engine']): number[] {
	const file = join(migrationsDir, engine, 'meta', '_journal.json');
	let whens = journals.get(file);
	if (!whens) {
		const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: Array<{ when: number }> };
		whens = journal.entries.map((e) => e.when).sort((a, b) => a - b);
		journals.set(file, whens);
	}
	return whens;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'TIMEOUT' })), ms);
	});
	return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A reason from an error without its message (which may name hosts or paths): its code. */
const why = (error: unknown) => errorCode(error) ?? (error as Error)?.name ?? 'error';

/**
 * Runs the readiness checks.
 * @returns never throws: a failing check is a reason
 */
export async function readiness(deps: ReadinessDeps, timeoutMs = DB_PROBE_TIMEOUT_MS): Promise<Readiness> {
	const reasons: string[] = [];
	const checks: Readiness['checks'] = {
		database: { ok: false },
		migrations: { ok: false },
		storage: { ok: false, backend: deps.images.backend }
	};

	const started = performance.now();
	try {
		await withTimeout(deps.db.run(ping), timeoutMs);
		checks.database = { ok: true, ms: Math.round(performance.now() - started) };
	} catch (error) {
		reasons.push(`database: unreachable (${why(error)})`);
	}

	if (checks.database.ok) {
		try {
			const shipped = shippedMigrations(deps.config.migrationsDir, deps.db.engine);
			const last = await withTimeout(deps.db.run(lastAppliedMigration), timeoutMs);
			const pending = shipped.filter((when) => last === null || when > last).length;
			checks.migrations = { ok: pending === 0, applied: shipped.length - pending, expected: shipped.length, pending };
			if (pending) reasons.push(`migrations: ${pending} of ${shipped.length} not applied`);
		} catch (error) {
			reasons.push(`migrations: not readable (${why(error)})`);
		}
	} else {
		reasons.push('migrations: not checked (no database)');
	}

	if (deps.images.backend === 's3') {
		// S3 itself being away is not a reason to stop taking gates' captures: configured is enough
		checks.storage.ok = true;
	} else {
		// a real write, as the app makes them: a missing, read-only or full disk fails here
		const probe = join(deps.config.dataDir, 'images', `.readyz-${newId()}`);
		try {
			await writeFile(probe, 'ok');
			await rm(probe, { force: true });
			checks.storage.ok = true;
		} catch (error) {
			reasons.push(`storage: local images folder not writable (${why(error)})`);
		}
	}

	return { ready: reasons.length === 0, reasons, checks };
}
