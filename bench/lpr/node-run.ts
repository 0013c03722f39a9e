/**
 * One Node measurement, in its own process so that its peak memory is its own:
 *   node bench/lpr/node-run.ts --runtime node|web --threads N --frames FILE --count N --iterations N --warmup N
 * FILE holds `count` raw 1280×720 RGBA frames back to back. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPlateReader } from '../../src/lib/lpr/pipeline.ts';
import { loadModels, loadOpenCv, nodeSessionFactory, type NodeRuntime } from '../../src/lib/lpr/node.ts';
import { FRAME_H, FRAME_W, percentile } from './frames.ts';

const { values } = parseArgs({
	options: {
		runtime: { type: 'string', default: 'node' },
		threads: { type: 'string', default: '1' },
		frames: { type: 'string' },
		count: { type: 'string' },
		iterations: { type: 'string', default: '60' },
		warmup: { type: 'string', default: '5' },
		models: { type: 'string' }
	}
});
const runtime = values.runtime as NodeRuntime;
const threads = Number(values.threads);
const bytes = readFileSync(values.frames as string);
const size = FRAME_W * FRAME_H * 4;
const frames = Array.from({ length: Number(values.count) }, (_, i) => ({
	data: new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + i * size, size),
	width: FRAME_W,
	height: FRAME_H
}));

let t = performance.now();
const { cv } = await loadOpenCv();
const openCvMs = performance.now() - t;
t = performance.now();
const models = await loadModels(values.models);
const lpr = await createPlateReader({ ...models, cv, createSession: await nodeSessionFactory(runtime, threads) });
const modelsMs = performance.now() - t;

const times: number[] = [];
let plates = 0;
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);
for (let i = 0; i < warmup + iterations; i++) {
	const frame = frames[i % frames.length] as (typeof frames)[number];
	const start = performance.now();
	const read = await lpr.readFrame(frame);
	if (i >= warmup) {
		times.push(performance.now() - start);
		plates += read.length;
	}
}
await lpr.dispose();
console.log(
	JSON.stringify({
		runtime,
		threads,
		refiner: lpr.refinerVersion,
		openCvMs,
		modelsMs,
		p50: percentile(times, 50),
		p95: percentile(times, 95),
		platesPerFrame: plates / iterations,
		peakRssMb: process.resourceUsage().maxRSS / 1024
	})
);
