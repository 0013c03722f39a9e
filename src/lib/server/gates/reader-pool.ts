/**
 * Plate reading in a small pool of worker threads (`reader-worker.ts`), sized to the machine (see
 * {@link defaultPoolSize}), so requests keep being answered while images are read. Each
 * job goes to the worker with the fewest in hand; a full queue or a slow read fails fast
 * (`busy`, `timeout`) rather than letting gates wait; a worker that dies is replaced.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CountryOption } from '../../lpr/plate-format.ts';
import { MAX_CAPTURE_PIXELS, ReadError, type CaptureReader, type PlateReading, type ReadFailure } from './reader.ts';

export interface ReaderPoolOptions {
	/** Worker threads (default: {@link defaultPoolSize}). */
	size?: number;
	modelsDir?: string;
	/** Reads waiting per worker before `busy` (default 32). */
	maxQueue?: number;
	/** A read taking longer fails with `timeout` (default 5 s). */
	timeoutMs?: number;
	maxPixels?: number;
}

interface Pending {
	resolve: (r: PlateReading) => void;
	reject: (e: Error) => void;
	timer: NodeJS.Timeout;
}

interface Slot {
	worker: Worker;
	pending: Map<number, Pending>;
	ready: Promise<void>;
}

/**
 * The default pool size for this machine: a thread per core on one or two cores, else one core
 * left to the event loop, at most 4. On 2 cores (shared with model training) `npm run bench:gates`
 * measured p99 578 ms with 2 threads against 1094 ms with 1: reading is most of the work, and the
 * event loop's share of a capture is small enough to interleave.
 */
export function defaultPoolSize(cores = availableParallelism()): number {
	return Math.max(1, Math.min(4, cores <= 2 ? cores : cores - 1));
}

/**
 * The worker's file: plain Node TypeScript that imports the lpr modules, so it always runs from
 * the source tree. In dev and tests it sits beside this module; the built server is bundled into
 * `build/server/chunks/chunks/`, so there it is found from the repository root — four folders up
 * from the chunk, or the working directory (`npm start` runs from the root).
 * @throws Error when the source tree is not there
 */
export function workerFile(): string {
	const candidates = [
		fileURLToPath(new URL('./reader-worker.ts', import.meta.url)),
		fileURLToPath(new URL('../../../../src/lib/server/gates/reader-worker.ts', import.meta.url)),
		resolve(process.cwd(), 'src/lib/server/gates/reader-worker.ts')
	];
	const found = candidates.find((f) => existsSync(f));
	if (!found) throw new Error(`the plate reader's worker is not at any of ${candidates.join(', ')}: run the server from the repository`);
	return found;
}

export class ReaderPool implements CaptureReader {
	readonly size: number;
	readonly #slots: Slot[] = [];
	readonly #options: Required<Omit<ReaderPoolOptions, 'modelsDir' | 'size'>> & { modelsDir?: string };
	#nextId = 1;
	#closed = false;

	constructor(options: ReaderPoolOptions = {}) {
		this.size = options.size ?? defaultPoolSize();
		this.#options = { maxQueue: options.maxQueue ?? 32, timeoutMs: options.timeoutMs ?? 5_000, maxPixels: options.maxPixels ?? MAX_CAPTURE_PIXELS, modelsDir: options.modelsDir };
		for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn());
	}

	/** Resolves when every worker has loaded its models. */
	async ready(): Promise<void> {
		await Promise.all(this.#slots.map((s) => s.ready));
	}

	#spawn(): Slot {
		const worker = new Worker(workerFile(), { workerData: { modelsDir: this.#options.modelsDir, threads: 1 } });
		worker.unref(); // an idle pool never keeps a process (a script, a test) alive
		const slot: Slot = { worker, pending: new Map(), ready: Promise.resolve() };
		slot.ready = new Promise((ok, fail) => {
			worker.on('message', (m: { type: string; id?: number; plate?: string | null; confidence?: number; valid?: boolean; kind?: ReadFailure; message?: string }) => {
				if (m.type === 'ready') return ok();
				if (m.type === 'fatal') return fail(new Error(`the plate reader could not start: ${m.message}`));
				const job = slot.pending.get(m.id!);
				if (!job) return;
				slot.pending.delete(m.id!);
				clearTimeout(job.timer);
				if (m.type === 'result') job.resolve({ plate: m.plate ?? null, confidence: m.confidence ?? 0, valid: m.valid ?? false });
				else job.reject(new ReadError(m.kind ?? 'failed', m.message ?? 'the read failed'));
			});
		});
		slot.ready.catch(() => {});
		worker.on('error', (error) => this.#lost(slot, error));
		worker.on('exit', (code) => this.#lost(slot, new Error(`the plate reader exited (${code})`)));
		return slot;
	}

	#lost(slot: Slot, error: Error): void {
		for (const job of slot.pending.values()) {
			clearTimeout(job.timer);
			job.reject(new ReadError('failed', error.message));
		}
		slot.pending.clear();
		const i = this.#slots.indexOf(slot);
		if (i >= 0 && !this.#closed) this.#slots[i] = this.#spawn();
	}

	read(image: Uint8Array, country: CountryOption): Promise<PlateReading> {
		if (this.#closed) return Promise.reject(new ReadError('failed', 'the reader is closed'));
		const slot = this.#slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
		if (slot.pending.size >= this.#options.maxQueue) return Promise.reject(new ReadError('busy', 'every plate reader is busy'));
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				slot.pending.delete(id);
				reject(new ReadError('timeout', `the read took longer than ${this.#options.timeoutMs} ms`));
			}, this.#options.timeoutMs);
			slot.pending.set(id, { resolve, reject, timer });
			// a copy: the caller keeps its bytes (to store them) while the worker reads its own
			slot.worker.postMessage({ id, image, country, maxPixels: this.#options.maxPixels });
		});
	}

	async close(): Promise<void> {
		this.#closed = true;
		await Promise.all(this.#slots.map((s) => s.worker.terminate()));
	}
}
