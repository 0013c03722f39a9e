/**
 * The worker side of the protocol, apart from the worker global: it loads the pipeline on
 * `init`, reads frames in order, and answers every request with one response. `worker.ts` gives
 * it the browser's runtimes; tests give it Node's.
 */
import { checkModelSize, parseDetectorContract, parseReaderContract, parseRefinerContract } from './contract.ts';
import type { Cv } from './cv.ts';
import type { RgbaImage } from './geometry.ts';
import type { OnnxSessionFactory } from './onnx.ts';
import { createPlateReader, type PlateReader } from './pipeline.ts';
import { LPR_PROTOCOL_VERSION, type InitRequest, type LprRequest, type LprResponse, type ModelSource } from './protocol.ts';

/** What the host needs from its environment. */
export interface WorkerHostEnv {
	/** OpenCV and an ONNX session factory configured from the init request; `threads` as used. */
	loadRuntime(init: InitRequest): Promise<{ cv: Cv; createSession: OnnxSessionFactory; threads: number }>;
	/** Fetches a URL's bytes (model files and contracts given by URL). */
	fetchBytes(url: string): Promise<ArrayBuffer>;
	/** Turns a transferred frame into RGBA pixels (and releases an ImageBitmap). */
	toImage(frame: ImageBitmap | ImageData): RgbaImage;
	post(message: LprResponse): void;
	/** A monotonic clock in ms, for the reported timings only. */
	now(): number;
}

/**
 * Makes the request handler of a plate-recognition worker. Requests are handled strictly in
 * order, so a `read` sent right after `init` waits for the models instead of failing.
 */
export function createWorkerHost(env: WorkerHostEnv): (request: LprRequest) => Promise<void> {
	let reader: PlateReader | null = null;
	let initialising = false;
	let queue: Promise<void> = Promise.resolve();

	async function handle(request: LprRequest): Promise<LprResponse> {
		switch (request.type) {
			case 'init': {
				if (reader !== null || initialising) throw new Error('the worker is already initialised');
				initialising = true;
				try {
					const start = env.now();
					const [runtime, detector, rdr, refiner] = await Promise.all([
						env.loadRuntime(request),
						loadModel('detector', request.detector, parseDetectorContract),
						loadModel('reader', request.reader, parseReaderContract),
						request.refiner ? loadModel('refiner', request.refiner, parseRefinerContract) : undefined
					]);
					reader = await createPlateReader({ ...runtime, detector, reader: rdr, refiner });
					return {
						type: 'ready',
						id: request.id,
						protocol: LPR_PROTOCOL_VERSION,
						detectorVersion: reader.detectorVersion,
						readerVersion: reader.readerVersion,
						refinerVersion: reader.refinerVersion,
						threads: runtime.threads,
						loadMs: env.now() - start
					};
				} finally {
					initialising = false;
				}
			}
			case 'read': {
				const start = env.now();
				// Convert first: an ImageBitmap must be closed even when the worker is not ready.
				const image = env.toImage(request.frame);
				if (reader === null) throw new Error('send init before read');
				const plates = request.track?.length ? await reader.readFound(image, request.track, request.options) : await reader.readFrame(image, request.options);
				return { type: 'result', id: request.id, plates, width: image.width, height: image.height, ms: env.now() - start };
			}
			case 'dispose': {
				await reader?.dispose();
				reader = null;
				return { type: 'disposed', id: request.id };
			}
			default:
				throw new Error(`unknown request type ${JSON.stringify((request as { type?: unknown }).type)}`);
		}
	}

	async function loadModel<C extends { readonly bytes: number | null }>(
		name: string,
		source: ModelSource,
		parse: (json: unknown) => C
	): Promise<{ model: Uint8Array; contract: C }> {
		const model = new Uint8Array(typeof source.model === 'string' ? await env.fetchBytes(source.model) : source.model);
		const json =
			typeof source.contract === 'string'
				? (JSON.parse(new TextDecoder().decode(await env.fetchBytes(source.contract))) as unknown)
				: source.contract;
		const contract = parse(json);
		checkModelSize(name, contract, model);
		return { model, contract };
	}

	return (request) => {
		const id = typeof request?.id === 'number' ? request.id : -1;
		const run = queue.then(async () => {
			try {
				env.post(await handle(request));
			} catch (e) {
				const error = e instanceof Error ? e : new Error(String(e));
				env.post({ type: 'error', id, name: error.name, message: error.message });
			}
		});
		queue = run;
		return run;
	};
}
