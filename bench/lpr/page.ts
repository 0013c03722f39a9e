/**
 * The benchmark page, bundled by Vite as an app page would be: it starts the plate worker with
 * `new Worker(new URL(…), { type: 'module' })`, drives it through LprWorkerClient, and hands
 * the timings to the Playwright side via `window.lprBench`.
 */
import { LprWorkerClient } from '../../src/lib/lpr/worker-client.ts';

export interface PageBenchConfig {
	readonly frames: readonly string[];
	readonly width: number;
	readonly height: number;
	readonly iterations: number;
	readonly warmup: number;
	readonly numThreads: number;
	/** Load the corner refiner too (bench.ts sets it when models/ has both its files). */
	readonly refiner: boolean;
}

export interface PageBenchResult {
	readonly isolated: boolean;
	readonly threads: number;
	/** From `new Worker` to `ready`: worker script, OpenCV.js, ORT WASM and the models. */
	readonly loadMs: number;
	/** The worker's own load time (OpenCV, ORT, models), as `ready` reports it. */
	readonly workerLoadMs: number;
	/** postMessage → result, per frame (transfer, ImageBitmap → pixels, detect + read). */
	readonly roundTrip: number[];
	/** Time inside the worker, per frame. */
	readonly inWorker: number[];
	readonly plates: number;
}

declare global {
	interface Window {
		lprBench(config: PageBenchConfig): Promise<PageBenchResult>;
	}
}

window.lprBench = async (config) => {
	const images = await Promise.all(
		config.frames.map(async (url) => new ImageData(new Uint8ClampedArray(await (await fetch(url)).arrayBuffer()), config.width, config.height))
	);
	const start = performance.now();
	const client = new LprWorkerClient(new Worker(new URL('../../src/lib/lpr/worker.ts', import.meta.url), { type: 'module' }));
	const ready = await client.init({
		detector: { model: '/models/detector.onnx', contract: '/models/detector.json' },
		reader: { model: '/models/reader.onnx', contract: '/models/reader.json' },
		...(config.refiner ? { refiner: { model: '/models/refiner.onnx', contract: '/models/refiner.json' } } : {}),
		wasmPaths: '/ort/',
		numThreads: config.numThreads
	});
	const loadMs = performance.now() - start;
	const roundTrip: number[] = [];
	const inWorker: number[] = [];
	let plates = 0;
	for (let i = 0; i < config.warmup + config.iterations; i++) {
		// A camera page would call createImageBitmap(video); that capture is not the pipeline's time.
		const bitmap = await createImageBitmap(images[i % images.length] as ImageData);
		const t = performance.now();
		const result = await client.read(bitmap);
		if (i >= config.warmup) {
			roundTrip.push(performance.now() - t);
			inWorker.push(result.ms);
			plates += result.plates.length;
		}
	}
	await client.close();
	return { isolated: crossOriginIsolated, threads: ready.threads, loadMs, workerLoadMs: ready.loadMs, roundTrip, inWorker, plates };
};
