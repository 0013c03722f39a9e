/**
 * The pipeline wired to Node's runtimes: onnxruntime-node (or onnxruntime-web's WASM build, for
 * comparison), OpenCV.js, model files read from `models/`, images decoded with `decode-node.ts`.
 *
 * onnxruntime-node is the default: on this 2-core machine it ran the detector about 5× faster than
 * onnxruntime-web's WASM in Node (`npm run bench:lpr`; numbers in `models/README.md`).
 */
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractError, checkModelSize, parseDetectorContract, parseReaderContract, parseRefinerContract } from './contract.ts';
import { resolveOpenCv, type Cv } from './cv.ts';
import { decodeImage } from './decode-node.ts';
import type { RgbaImage } from './geometry.ts';
import { ortSessionFactory, type OnnxSessionFactory, type OrtNamespace } from './onnx.ts';
import { createPlateReader, type PlateModels, type PlateReader } from './pipeline.ts';

/** `models/` of this repository, when running from the source tree (scripts, tests). */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));

export type NodeRuntime = 'node' | 'web';

/** Options for {@link createNodePlateReader}. */
export interface NodePlateReaderOptions {
	/**
	 * Folder with detector.onnx/.json and reader.onnx/.json, and optionally refiner.onnx/.json
	 * (default: the repository's `models/`).
	 */
	readonly modelsDir?: string;
	/** Load the corner refiner when its two files are there (default true); false reads in the detector's corners. */
	readonly refiner?: boolean;
	/** onnxruntime-node (default) or onnxruntime-web's WASM build. */
	readonly runtime?: NodeRuntime;
	/**
	 * Intra-op threads (default 1, so that concurrent gate captures each keep a core). With ORT's
	 * spinning off (onnx.ts) two threads beat one for a single stream: 34.6 vs 50.1 ms p50 per
	 * frame on an idle 2-core machine (`npm run bench:lpr`, 2026-12-02).
	 */
	readonly threads?: number;
}

let openCv: Promise<{ cv: Cv }> | undefined;

/**
 * OpenCV.js, loaded once per process (~0.3 s).
 *
 * Its Emscripten Node branch installs process-wide `uncaughtException` (rethrow) and
 * `unhandledRejection` (abort) handlers: any stray rejection anywhere in the server would then
 * kill the process with a dump of the 10 MB script's source line. Those handlers are removed
 * again; the host application's own policy applies.
 */
export function loadOpenCv(): Promise<{ cv: Cv }> {
	if (openCv === undefined) {
		const before = {
			uncaughtException: new Set(process.listeners('uncaughtException')),
			unhandledRejection: new Set(process.listeners('unhandledRejection'))
		};
		// createRequire: the package is a UMD bundle whose CommonJS branch is the one that works in Node.
		const module: unknown = createRequire(import.meta.url)('@techstark/opencv-js');
		for (const listener of process.listeners('uncaughtException')) {
			if (!before.uncaughtException.has(listener)) process.off('uncaughtException', listener);
		}
		for (const listener of process.listeners('unhandledRejection')) {
			if (!before.unhandledRejection.has(listener)) process.off('unhandledRejection', listener);
		}
		openCv = resolveOpenCv(module);
	}
	return openCv;
}

/**
 * Reads the models and their JSON contracts from `dir`: the detector and the reader, and the
 * corner refiner when both `refiner.onnx` and `refiner.json` are there (one without the other is
 * taken as no refiner: an export copies both). A refiner that is there must load like the others.
 * @param options.refiner false to leave the refiner out even when it is there
 * @throws Error when a detector or reader file is missing, a contract is not JSON or is
 *   malformed (ContractError), or an `.onnx` file's size differs from the one its contract was
 *   exported with (a half-finished export)
 */
export async function loadModels(dir = DEFAULT_MODELS_DIR, options: { readonly refiner?: boolean } = {}): Promise<PlateModels> {
	const load = async <C extends { readonly bytes: number | null }>(name: string, parse: (json: unknown) => C) => {
		const file = join(dir, `${name}.json`);
		const text = await readFile(file, 'utf8');
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch (e) {
			// e.g. Python's json.dump writes a bare NaN or Infinity, which JSON does not have
			throw new ContractError(`${file} is not JSON: ${(e as Error).message}`);
		}
		const contract = parse(json);
		const model = new Uint8Array(await readFile(join(dir, `${name}.onnx`)));
		checkModelSize(name, contract, model);
		return { model, contract };
	};
	const exists = (name: string): Promise<boolean> => access(join(dir, name)).then(() => true, () => false);
	const withRefiner = options.refiner !== false && (await exists('refiner.onnx')) && (await exists('refiner.json'));
	const [detector, reader, refiner] = await Promise.all([
		load('detector', parseDetectorContract),
		load('reader', parseReaderContract),
		withRefiner ? load('refiner', parseRefinerContract) : undefined
	]);
	return refiner ? { detector, reader, refiner } : { detector, reader };
}

/** An ONNX session factory for Node. */
export async function nodeSessionFactory(runtime: NodeRuntime = 'node', threads = 1): Promise<OnnxSessionFactory> {
	if (runtime === 'node') {
		const ort = (await import('onnxruntime-node')) as unknown as OrtNamespace;
		return ortSessionFactory(ort, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
	}
	const ort = await import('onnxruntime-web');
	ort.env.wasm.numThreads = threads;
	return ortSessionFactory(ort as unknown as OrtNamespace, { executionProviders: ['wasm'] });
}

/**
 * The whole pipeline for Node: models, OpenCV and an ONNX runtime, loaded once.
 * @example
 * const lpr = await createNodePlateReader();
 * const plates = await lpr.readFrame(await readImageFile('car.jpg'), { country: 'in' });
 */
export async function createNodePlateReader(options: NodePlateReaderOptions = {}): Promise<PlateReader> {
	const [models, { cv }, createSession] = await Promise.all([
		loadModels(options.modelsDir, options.refiner === undefined ? {} : { refiner: options.refiner }),
		loadOpenCv(),
		nodeSessionFactory(options.runtime, options.threads)
	]);
	return createPlateReader({ ...models, cv, createSession });
}

/**
 * Reads and decodes an image file.
 * @throws ImageError for an empty, unsupported, oversized, truncated or corrupt file; the
 *   file system's error when it cannot be read
 */
export async function readImageFile(path: string, maxPixels?: number): Promise<RgbaImage> {
	return decodeImage(new Uint8Array(await readFile(path)), maxPixels);
}
