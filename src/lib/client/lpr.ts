/**
 * The page's side of in-browser plate reading: getting the models into the service worker's
 * cache (with byte progress), starting the plate Web Worker on them, and a loop that hands it
 * frames as transferred ImageBitmaps, one or two in flight, running the detector on some frames
 * and only the reader on the others ({@link PlateTracker}), voting across frames with
 * {@link PlateConsensus}.
 */
import { PlateConsensus, type ConsensusUpdate } from '../lpr/consensus.ts';
import type { PlateRead } from '../lpr/pipeline.ts';
import type { ReadyResponse } from '../lpr/protocol.ts';
import { LprWorkerClient } from '../lpr/worker-client.ts';
import type { CountryOption } from '../lpr/plate-format.ts';
import workerUrl from '../lpr/worker.ts?worker&url';
import type { WarmMessage } from './sw-protocol.ts';
import { PlateTracker } from './tracker.ts';

export interface Progress {
	loaded: number;
	total: number;
}

/**
 * Asks the service worker to hold this version of the models (downloading what is missing) and
 * to keep a copy of this page; resolves when they are in its cache. Without a service worker
 * (not supported, or not up within a few seconds) it resolves at once and the worker fetches the
 * files itself.
 * @returns whether the files are in the service worker's cache
 */
export async function ensureModels(onProgress: (p: Progress) => void, page?: string): Promise<boolean> {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return false;
	const reg = await Promise.race([navigator.serviceWorker.ready, new Promise<null>((r) => setTimeout(() => r(null), 6_000))]);
	const sw = reg?.active;
	if (!sw) return false;
	const channel = new MessageChannel();
	const done = new Promise<boolean>((resolve, reject) => {
		channel.port1.onmessage = (event: MessageEvent<WarmMessage>) => {
			const m = event.data;
			if (m.type === 'lpr-progress') onProgress({ loaded: m.loaded, total: m.total });
			else if (m.type === 'lpr-ready') resolve(true);
			else reject(new Error(m.message));
		};
	});
	sw.postMessage({ type: 'lpr-warm', page }, [channel.port2]);
	const ok = await done;
	channel.port1.close();
	// the worker started next must be controlled, so that its fetches are answered from the cache
	if (!navigator.serviceWorker.controller) {
		await Promise.race([new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })), new Promise((r) => setTimeout(r, 3_000))]);
	}
	return ok;
}

const MANIFEST = '/lpr/manifest.json';
const REFINER = { model: '/lpr/refiner.onnx', contract: '/lpr/refiner.json' } as const;

/**
 * The URLs the plate files' manifest lists: the server's, or offline the copy the service worker
 * keeps with the files it holds; empty when neither can be had.
 */
async function listedLprFiles(): Promise<Set<string>> {
	const urls = async (res: Response | undefined): Promise<Set<string> | null> => {
		if (!res?.ok) return null;
		const files = ((await res.json()) as { files?: unknown }).files;
		return Array.isArray(files) ? new Set(files.flatMap((f: { url?: unknown }) => (typeof f?.url === 'string' ? [f.url] : []))) : null;
	};
	try {
		const listed = await urls(await fetch(MANIFEST, { cache: 'no-store' }));
		if (listed) return listed;
	} catch {
		// offline: the service worker's copy below
	}
	try {
		return (await urls(typeof caches === 'undefined' ? undefined : await caches.match(MANIFEST))) ?? new Set();
	} catch {
		return new Set();
	}
}

/**
 * Starts the plate worker on the models under `/lpr/` (with the corner refiner when the server's
 * manifest lists it); ORT runs threads when the page is cross-origin isolated (`ready.threads`).
 */
export async function startPlateReader(): Promise<{ lpr: LprWorkerClient; ready: ReadyResponse }> {
	// the server's copy under /lpr/ (`lpr-assets.ts`): it sends the COEP a worker of an isolated
	// page needs, the static file doesn't; the dev server sends it for its own (vite.config.ts)
	const url = import.meta.env.DEV ? workerUrl : `/lpr/${workerUrl.slice(workerUrl.lastIndexOf('/') + 1)}`;
	const listed = await listedLprFiles();
	const lpr = new LprWorkerClient(new Worker(url, { type: 'module' }));
	const ready = await lpr.init({
		detector: { model: '/lpr/detector.onnx', contract: '/lpr/detector.json' },
		reader: { model: '/lpr/reader.onnx', contract: '/lpr/reader.json' },
		...(listed.has(REFINER.model) && listed.has(REFINER.contract) ? { refiner: REFINER } : {}),
		wasmPaths: { mjs: '/lpr/ort-wasm-simd-threaded.mjs', wasm: '/lpr/ort-wasm-simd-threaded.wasm.gz' }
	});
	return { lpr, ready };
}

/** Reads one still picture (a gallery photo) with the worker. */
export async function readPhoto(lpr: LprWorkerClient, file: Blob, country: CountryOption): Promise<{ plates: readonly PlateRead[]; width: number; height: number }> {
	const bitmap = await createImageBitmap(file);
	const { plates, width, height } = await lpr.read(bitmap, { country });
	return { plates, width, height };
}

export interface LoopFrame {
	plates: readonly PlateRead[];
	width: number;
	height: number;
	update: ConsensusUpdate;
	/** frames read per second over the last two seconds */
	fps: number;
	/** of those, the frames the detector ran on, per second */
	detectorFps: number;
	/** whether this frame only read the tracked plates */
	tracked: boolean;
	ms: number;
}

/**
 * Reads frames as fast as the worker takes them. `grab` gives the next frame (an ImageBitmap the
 * loop transfers to the worker) or null when there is none yet.
 */
export class FrameLoop {
	readonly consensus = new PlateConsensus();
	readonly tracker = new PlateTracker();
	#running = false;
	#inFlight = 0;
	#times: Array<{ at: number; detected: boolean }> = [];
	readonly #lpr: LprWorkerClient;
	readonly #grab: () => Promise<ImageBitmap | null>;
	readonly #onFrame: (f: LoopFrame) => void;
	readonly #onError: (e: Error) => void;
	country: CountryOption;

	constructor(lpr: LprWorkerClient, grab: () => Promise<ImageBitmap | null>, onFrame: (f: LoopFrame) => void, onError: (e: Error) => void, country: CountryOption = 'auto') {
		this.#lpr = lpr;
		this.#grab = grab;
		this.#onFrame = onFrame;
		this.#onError = onError;
		this.country = country;
	}

	get running(): boolean {
		return this.#running;
	}

	start(maxInFlight = 2): void {
		if (this.#running) return;
		this.#running = true;
		this.tracker.reset();
		for (let i = 0; i < maxInFlight; i++) void this.#pump();
	}

	stop(): void {
		this.#running = false;
	}

	async #pump(): Promise<void> {
		while (this.#running) {
			let bitmap: ImageBitmap | null = null;
			try {
				bitmap = await this.#grab();
			} catch (error) {
				this.#onError(error as Error);
			}
			if (!bitmap) {
				await new Promise((r) => setTimeout(r, 30));
				continue;
			}
			if (!this.#running) {
				bitmap.close();
				break;
			}
			this.#inFlight++;
			try {
				const track = this.tracker.next();
				const result = await this.#lpr.read(bitmap, { country: this.country }, false, track ?? undefined);
				this.tracker.update(result.plates, track !== null);
				const now = performance.now();
				this.#times.push({ at: now, detected: track === null });
				while (this.#times.length && now - this.#times[0]!.at > 2000) this.#times.shift();
				const span = now - this.#times[0]!.at;
				const fps = this.#times.length > 1 ? ((this.#times.length - 1) * 1000) / span : 0;
				const detectorFps = this.#times.length > 1 ? (this.#times.slice(1).filter((t) => t.detected).length * 1000) / span : 0;
				const update = this.consensus.update(now, result.plates);
				this.#onFrame({ plates: result.plates, width: result.width, height: result.height, update, fps, detectorFps, tracked: track !== null, ms: result.ms });
			} catch (error) {
				this.#onError(error as Error);
				await new Promise((r) => setTimeout(r, 200));
			} finally {
				this.#inFlight--;
			}
		}
	}
}
