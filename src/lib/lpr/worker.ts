/// <reference lib="webworker" />
/**
 * The plate-recognition Web Worker: onnxruntime-web (WASM, SIMD; threads when the page is
 * `crossOriginIsolated`) and OpenCV.js behind the message protocol of `protocol.ts`.
 *
 * Start it as a module worker so Vite bundles it:
 * `new Worker(new URL('$lib/lpr/worker.ts', import.meta.url), { type: 'module' })`,
 * or use `LprWorkerClient` from `worker-client.ts`, which does the bookkeeping.
 */
import * as ort from 'onnxruntime-web/wasm';
// Static, not `await import(…)`: the bundler's CommonJS interop wraps a dynamically imported
// module in a namespace object that copies OpenCV's own `then`, and resolving the import's
// promise with that thenable recursed forever (the worker never answered `init`). The worker is
// started only when a page reads plates, so loading OpenCV.js with it costs nothing earlier.
import openCvModule from '@techstark/opencv-js';
import { resolveOpenCv, type Cv } from './cv.ts';
import type { RgbaImage } from './geometry.ts';
import { ortSessionFactory, type OrtNamespace } from './onnx.ts';
import type { InitRequest, LprRequest } from './protocol.ts';
import { createWorkerHost } from './worker-host.ts';

declare const self: DedicatedWorkerGlobalScope;

let canvas: OffscreenCanvas | null = null;
let context: OffscreenCanvasRenderingContext2D | null = null;

/** ImageData as it is; an ImageBitmap drawn on a reused canvas and read back, then closed. */
function toImage(frame: ImageBitmap | ImageData): RgbaImage {
	if (!(typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap)) return frame as ImageData;
	try {
		const { width, height } = frame;
		if (canvas === null || canvas.width !== width || canvas.height !== height) {
			canvas = new OffscreenCanvas(width, height);
			// willReadFrequently keeps the canvas on the CPU: every frame is read back.
			context = canvas.getContext('2d', { willReadFrequently: true });
		}
		if (context === null) throw new Error('no 2D context on OffscreenCanvas');
		context.drawImage(frame, 0, 0);
		return context.getImageData(0, 0, width, height);
	} finally {
		frame.close();
	}
}

async function loadRuntime(init: InitRequest): Promise<{ cv: Cv; createSession: ReturnType<typeof ortSessionFactory>; threads: number }> {
	const threads = init.numThreads ?? (self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1);
	if (threads > 1 && !self.crossOriginIsolated) {
		throw new Error('numThreads > 1 needs a crossOriginIsolated page (COOP same-origin + COEP require-corp)');
	}
	ort.env.wasm.numThreads = threads;
	// The worker itself is off the main thread; ORT's proxy worker would only add a hop.
	ort.env.wasm.proxy = false;
	if (typeof init.wasmPaths === 'object' && init.wasmPaths.wasm.endsWith('.gz')) {
		// gzip at rest (3.7 of 14 MB, downloaded and cached so): inflated here, compiled from memory
		ort.env.wasm.wasmBinary = await gunzip(init.wasmPaths.wasm);
		ort.env.wasm.wasmPaths = { mjs: init.wasmPaths.mjs };
	} else if (init.wasmPaths !== undefined) ort.env.wasm.wasmPaths = init.wasmPaths;
	const { cv } = await resolveOpenCv(openCvModule as unknown);
	return { cv, createSession: ortSessionFactory(ort as unknown as OrtNamespace, { executionProviders: ['wasm'] }), threads };
}

async function gunzip(url: string): Promise<ArrayBuffer> {
	const res = await fetch(url);
	if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
	return new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
}

const host = createWorkerHost({
	loadRuntime,
	async fetchBytes(url) {
		const res = await fetch(url);
		if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
		return res.arrayBuffer();
	},
	toImage,
	post: (message) => self.postMessage(message),
	now: () => performance.now()
});

self.onmessage = (event: MessageEvent<LprRequest>) => void host(event.data);
