/**
 * The page side of the worker protocol: request ids, transfers, and one promise per request.
 * For video, check {@link LprWorkerClient.busy} and skip a frame rather than queueing frames
 * faster than the worker reads them.
 */
import type { PlateRead, ReadOptions } from './pipeline.ts';
import type { InitRequest, LprRequest, LprResponse, ReadyResponse, ResultResponse, TrackedPlate } from './protocol.ts';

/** The minimal Worker surface used (a real `Worker`, or a stand-in in tests). */
export interface WorkerLike {
	postMessage(message: LprRequest, transfer: Transferable[]): void;
	addEventListener(type: 'message', listener: (event: MessageEvent<LprResponse>) => void): void;
	addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
	terminate(): void;
}

/** An error the worker reported for a request, with the worker-side error's name. */
export class LprWorkerError extends Error {
	override name = 'LprWorkerError';
	readonly workerErrorName: string;
	constructor(workerErrorName: string, message: string) {
		super(message);
		this.workerErrorName = workerErrorName;
	}
}

type Pending = { resolve: (r: LprResponse) => void; reject: (e: Error) => void };

/**
 * Talks to a plate-recognition worker.
 * @example
 * const lpr = new LprWorkerClient(new Worker(new URL('$lib/lpr/worker.ts', import.meta.url), { type: 'module' }));
 * await lpr.init({ detector: { model: '/models/detector.onnx', contract: '/models/detector.json' },
 *                  reader: { model: '/models/reader.onnx', contract: '/models/reader.json' },
 *                  refiner: { model: '/models/refiner.onnx', contract: '/models/refiner.json' }, // optional
 *                  wasmPaths: '/ort/' });
 * if (!lpr.busy) show(await lpr.read(await createImageBitmap(video), { country: 'in' }));
 */
export class LprWorkerClient {
	readonly #worker: WorkerLike;
	readonly #pending = new Map<number, Pending>();
	#nextId = 1;
	#reads = 0;

	constructor(worker: WorkerLike) {
		this.#worker = worker;
		worker.addEventListener('message', (event) => {
			const pending = this.#pending.get(event.data.id);
			if (pending === undefined) return;
			this.#pending.delete(event.data.id);
			if (event.data.type === 'error') pending.reject(new LprWorkerError(event.data.name, event.data.message));
			else pending.resolve(event.data);
		});
		// A worker that failed to load or crashed answers nothing more: fail everything waiting.
		worker.addEventListener('error', (event) => this.#failAll(new Error(`the plate worker failed: ${event.message}`)));
	}

	/** True while a frame is being read: skip video frames instead of queueing them. */
	get busy(): boolean {
		return this.#reads > 0;
	}

	/** Loads the models (model ArrayBuffers are transferred: they are unusable here afterwards). */
	async init(request: Omit<InitRequest, 'type' | 'id'>): Promise<ReadyResponse> {
		const transfer = [request.detector.model, request.reader.model, request.refiner?.model].filter((m): m is ArrayBuffer => m instanceof ArrayBuffer);
		return (await this.#send({ ...request, type: 'init', id: this.#nextId++ }, transfer)) as ReadyResponse;
	}

	/**
	 * Reads one frame. An ImageBitmap is transferred and closed by the worker; an ImageData is
	 * copied unless `transferImageData` is set (then its buffer is detached here). With `track`
	 * (plates of an earlier frame), only the reader runs, in their corners.
	 */
	async read(frame: ImageBitmap | ImageData, options?: ReadOptions, transferImageData = false, track?: readonly TrackedPlate[]): Promise<ResultResponse> {
		const transfer: Transferable[] =
			typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap ? [frame] : transferImageData ? [(frame as ImageData).data.buffer as ArrayBuffer] : [];
		this.#reads++;
		try {
			const request: LprRequest = {
				type: 'read',
				id: this.#nextId++,
				frame,
				...(options === undefined ? {} : { options }),
				...(track?.length ? { track } : {})
			};
			return (await this.#send(request, transfer)) as ResultResponse;
		} finally {
			this.#reads--;
		}
	}

	/** Convenience: just the plates of one frame. */
	async plates(frame: ImageBitmap | ImageData, options?: ReadOptions): Promise<readonly PlateRead[]> {
		return (await this.read(frame, options)).plates;
	}

	/** Releases the models and terminates the worker. */
	async close(): Promise<void> {
		try {
			await this.#send({ type: 'dispose', id: this.#nextId++ }, []);
		} finally {
			this.#worker.terminate();
			this.#failAll(new Error('the plate worker was closed'));
		}
	}

	#send(request: LprRequest, transfer: Transferable[]): Promise<LprResponse> {
		return new Promise((resolve, reject) => {
			this.#pending.set(request.id, { resolve, reject });
			try {
				this.#worker.postMessage(request, transfer);
			} catch (e) {
				this.#pending.delete(request.id);
				reject(e instanceof Error ? e : new Error(String(e)));
			}
		});
	}

	#failAll(error: Error): void {
		for (const pending of this.#pending.values()) pending.reject(error);
		this.#pending.clear();
	}
}
