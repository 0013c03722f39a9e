/**
 * The message protocol between a page and the plate-recognition Web Worker (`worker.ts`).
 * Every request carries an `id`; the worker answers each with exactly one response of the same
 * `id`: `ready`, `result`, `disposed`, or `error`. Frames and model bytes are transferred, not
 * copied. `LprWorkerClient` (`worker-client.ts`) shows a whole exchange in its example.
 */
import type { FoundPlate, ReadOptions, PlateRead } from './pipeline.ts';

/** Bumped when a message changes shape; `ready` reports it so a stale cached worker is noticed. */
export const LPR_PROTOCOL_VERSION = 2;

/** A model to load: its `.onnx` bytes (transferred) or URL, and its JSON contract or its URL. */
export interface ModelSource {
	readonly model: ArrayBuffer | string;
	readonly contract: object | string;
}

/** Where ORT finds its WASM files; see `ort.env.wasm.wasmPaths`. */
export type WasmPaths = string | { readonly mjs: string; readonly wasm: string };

/** Load the models; must come first, and once. */
export interface InitRequest {
	readonly type: 'init';
	readonly id: number;
	readonly detector: ModelSource;
	readonly reader: ModelSource;
	/** The optional corner refiner; without it plates are read in the detector's corners. */
	readonly refiner?: ModelSource;
	/**
	 * Prefix URL (ending in `/`) or the two file URLs of `ort-wasm-simd-threaded.{mjs,wasm}`; a
	 * `wasm` URL ending in `.gz` is a gzip of the WASM, inflated by the worker.
	 */
	readonly wasmPaths?: WasmPaths;
	/** ORT threads; default: 1, or min(4, cores) when the page is `crossOriginIsolated`. */
	readonly numThreads?: number;
}

/**
 * Find and read the plates in one frame. Transfer the frame: `postMessage(msg, [bitmap])` (an
 * ImageData's `data.buffer` can be transferred too). The worker closes an ImageBitmap after use.
 */
export interface ReadRequest {
	readonly type: 'read';
	readonly id: number;
	readonly frame: ImageBitmap | ImageData;
	readonly options?: ReadOptions;
	/**
	 * Plates of an earlier frame to read again where they were, without the detector (video
	 * frames between two detections): each is read in its corners and keeps its box and score.
	 */
	readonly track?: readonly TrackedPlate[];
}

/** Where a plate was found in an earlier frame (`pipeline.ts`' {@link FoundPlate}). */
export type TrackedPlate = FoundPlate;

/** Release the models; the worker may then be terminated. */
export interface DisposeRequest {
	readonly type: 'dispose';
	readonly id: number;
}

export type LprRequest = InitRequest | ReadRequest | DisposeRequest;

export interface ReadyResponse {
	readonly type: 'ready';
	readonly id: number;
	readonly protocol: typeof LPR_PROTOCOL_VERSION;
	readonly detectorVersion: string;
	readonly readerVersion: string;
	/** The corner refiner's version, or null when none was given. */
	readonly refinerVersion: string | null;
	/** ORT threads in use (1 when the page is not cross-origin isolated). */
	readonly threads: number;
	/** Time to load OpenCV, ORT and the models, in ms. */
	readonly loadMs: number;
}

export interface ResultResponse {
	readonly type: 'result';
	readonly id: number;
	/** Best first; empty when the frame shows no plate. */
	readonly plates: readonly PlateRead[];
	readonly width: number;
	readonly height: number;
	/** Time spent in the worker on this frame (conversion, detection, reading), in ms. */
	readonly ms: number;
}

export interface DisposedResponse {
	readonly type: 'disposed';
	readonly id: number;
}

export interface ErrorResponse {
	readonly type: 'error';
	readonly id: number;
	/** `ImageError`, `ContractError`, `RangeError`, … or `Error`. */
	readonly name: string;
	readonly message: string;
}

export type LprResponse = ReadyResponse | ResultResponse | DisposedResponse | ErrorResponse;
