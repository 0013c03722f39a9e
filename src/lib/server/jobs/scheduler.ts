/**
 * Periodic jobs, run once per interval across all app instances: every instance ticks, and the
 * one that claims the job's lease in the database runs it.
 */
import { newId } from '../../id.ts';
import type { Database } from '../db/database.ts';
import { log } from '../log.ts';
import { claimJob, finishJob } from './leases.repo.ts';

export interface Job {
	name: string;
	intervalMs: number;
	/** longest a run may take before another instance may take over */
	leaseMs: number;
	run(db: Database, now: number): Promise<unknown>;
}

/**
 * Runs each due job once if this instance wins its lease.
 * @returns the names of the jobs this call ran
 */
export async function runDueJobs(db: Database, jobs: readonly Job[], holder: string, now: number): Promise<string[]> {
	const ran: string[] = [];
	for (const job of jobs) {
		const claimed = await db.run((x) => claimJob(x, job.name, holder, now, job.leaseMs, job.intervalMs));
		if (!claimed) continue;
		try {
			await job.run(db, now);
			ran.push(job.name);
		} catch (error) {
			log('error', 'job failed', { job: job.name, error: String(error) });
		} finally {
			await db.run((x) => finishJob(x, job.name, holder, now));
		}
	}
	return ran;
}

/**
 * Ticks the jobs every `tickMs` until stopped, the first time a moment after start (a restarted
 * instance doesn't wait a whole period); each instance gets its own holder id.
 */
export function startScheduler(db: Database, jobs: readonly Job[], tickMs = 15_000, firstTickMs = 500 + Math.random() * 1_500): () => void {
	const holder = newId();
	let running = false;
	const tick = () => {
		if (running) return;
		running = true;
		runDueJobs(db, jobs, holder, Date.now())
			.catch((error: unknown) => log('error', 'scheduler tick failed', { error: String(error) }))
			.finally(() => (running = false));
	};
	let timer: ReturnType<typeof setInterval> | undefined;
	const first = setTimeout(() => {
		tick();
		timer = setInterval(tick, tickMs);
		timer.unref();
	}, firstTickMs);
	first.unref();
	return () => {
		clearTimeout(first);
		clearInterval(timer);
	};
}
