/**
 * The app's Prometheus metrics. Request and plate-reading latencies are counted in this process
 * as they happen; the SMS outbox's depth and the gates online are read from the database at each
 * scrape, so every instance reports the same (shared) figures for those: aggregate them with
 * `max`, not `sum`, across instances.
 */
import type { Database } from '../db/database.ts';
import { OFFLINE_AFTER_MS } from '../gates/commands.ts';
import { log } from '../log.ts';
import { gateCounts, outboxDepth } from './gauges.repo.ts';
import { Registry } from './registry.ts';

export { EXPOSITION_TYPE } from './registry.ts';

export const registry = new Registry();

/** Seconds; from a quick read (a few ms) to the slow end of a long poll's first byte. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; a plate read takes 50–500 ms on a small CPU, and times out at 5 s. */
const LPR_BUCKETS = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10];

const httpDuration = registry.histogram(
	'spms_http_request_duration_seconds',
	'Time to answer a request (to the response headers), by SvelteKit route id, method and status class.',
	['route', 'method', 'status'],
	LATENCY_BUCKETS
);
const lprDuration = registry.histogram(
	'spms_lpr_read_duration_seconds',
	'Server-side plate reads (gate captures, /upload_plate), from hand-over to the reader to its answer, by outcome.',
	['outcome'],
	LPR_BUCKETS
);
const rateLimited = registry.counter('spms_rate_limited_total', 'Requests refused with 429 by a rate limit, by route id.', ['route']);
const outbox = registry.gauge('spms_sms_outbox_messages', 'SMS messages not yet handed to Twilio (the outbox depth), by status.', ['status']);
const gatesOnline = registry.gauge('spms_gates_online', `Gates heard from (capture, poll or heartbeat) in the last ${OFFLINE_AFTER_MS / 1000} s.`);
const gatesTotal = registry.gauge('spms_gates', 'Gates configured.');
const dbUp = registry.gauge('spms_database_up', '1 when the database answered this scrape, else 0 (and the database gauges are left out).');
const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory of this process (worker threads included).');
const heap = registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use on the main thread.');
const startTime = registry.gauge('process_start_time_seconds', 'When this process started, seconds since the epoch.');
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts one answered request.
 * @param routeId SvelteKit's route id (`/api/v1/gates/[id]/captures`), never the raw path: one
 *   series per route, not one per gate; null (no route matched) counts as `unmatched`
 */
export function observeRequest(routeId: string | null, method: string, status: number, seconds: number): void {
	httpDuration.observe(
		{ route: routeId ?? 'unmatched', method: METHODS.has(method) ? method : 'other', status: `${Math.floor(status / 100)}xx` },
		seconds
	);
}

/** Counts one server-side plate read: `ok`, or why it failed (a `ReadError` kind). */
export function observeLprRead(outcome: string, seconds: number): void {
	lprDuration.observe({ outcome }, seconds);
}

export function countRateLimited(routeId: string): void {
	rateLimited.inc({ route: routeId });
}

/**
 * Reads the database gauges and writes every metric out.
 * @returns the text exposition; a database that doesn't answer makes `spms_database_up 0`
 */
export async function scrape(db: Database, now = Date.now()): Promise<string> {
	outbox.reset();
	gatesOnline.reset();
	gatesTotal.reset();
	try {
		const [depth, gates] = await db.run(async (x) => [await outboxDepth(x), await gateCounts(x, now - OFFLINE_AFTER_MS)] as const);
		for (const [status, n] of Object.entries(depth)) outbox.set({ status }, n);
		gatesOnline.set({}, gates.online);
		gatesTotal.set({}, gates.total);
		dbUp.set({}, 1);
	} catch (error) {
		log('warn', 'metrics: database gauges not read', { error: String((error as Error)?.message ?? error) });
		dbUp.set({}, 0);
	}
	const mem = process.memoryUsage();
	rss.set({}, mem.rss);
	heap.set({}, mem.heapUsed);
	startTime.set({}, Math.round(performance.timeOrigin / 1000));
	return registry.render();
}
