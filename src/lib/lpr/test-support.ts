/**
 * Shared by the lpr specs (test-only; nothing else imports it): where the datasets, models and
 * Debian's Python are, and fixture helpers. Suites that need an absent resource skip with the
 * reason in their name, except under CI=true where the datasets must be present.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { parseReaderContract } from './contract.ts';
import type { RgbaImage } from './geometry.ts';
import type { OnnxSession, OnnxSessionFactory, Tensor } from './onnx.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const MODELS_DIR = join(REPO_ROOT, 'models');
export const DATA_DIR = resolve(REPO_ROOT, '../shared/datasets');
export const PYTHON = '/usr/bin/python3';

/** True when the shared datasets are beside the repository; under CI=true their absence is an error. */
export const haveData = existsSync(join(DATA_DIR, 'intl-openlpr-scenes', 'labels.jsonl'));
if (!haveData && process.env.CI === 'true') {
	throw new Error(`CI=true needs the datasets at ${DATA_DIR} (shared/ beside the repository)`);
}

/** True when both exported models and their contracts are in models/. */
export const haveModels = ['detector', 'reader'].every(
	(m) => existsSync(join(MODELS_DIR, `${m}.onnx`)) && existsSync(join(MODELS_DIR, `${m}.json`))
);

/** Why Debian's Python cannot run the contract code, or null when it can (numpy + cv2, no torch needed). */
export const pythonMissing: string | null = (() => {
	try {
		execFileSync(PYTHON, ['-c', 'import cv2, numpy'], { stdio: 'ignore' });
		return null;
	} catch {
		return `${PYTHON} with numpy and cv2 (apt-get install python3-opencv)`;
	}
})();

/** A deterministic RGBA test picture: gradients, a bright "plate" with dark bars, sharp edges. */
export function testPattern(width: number, height: number): RgbaImage {
	const data = new Uint8ClampedArray(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			const inPlate = x > width * 0.3 && x < width * 0.7 && y > height * 0.4 && y < height * 0.6;
			const bar = inPlate && Math.floor(x / 7) % 3 === 0;
			data[i] = inPlate ? (bar ? 20 : 235) : (x * 255) / width;
			data[i + 1] = inPlate ? (bar ? 25 : 230) : (y * 255) / height;
			data[i + 2] = inPlate ? (bar ? 30 : 220) : ((x ^ y) * 13) & 255;
			data[i + 3] = 255;
		}
	}
	return { data, width, height };
}

/** PNG bytes of an RGBA image (fixtures are made by the tests, never stored in the repo). */
export function encodePng(image: RgbaImage): Uint8Array {
	const png = new PNG({ width: image.width, height: image.height });
	png.data.set(image.data);
	return new Uint8Array(PNG.sync.write(png));
}

/** A reader.json as models/export.py writes it (the fields the pipeline reads). */
export function readerJson(): Record<string, unknown> {
	return {
		name: 'spms-plate-reader',
		version: 'test',
		file: 'reader.onnx',
		input: {
			name: 'plate',
			shape: ['n', 1, 64, 160],
			dtype: 'float32',
			layout: 'NCHW',
			color: 'gray',
			normalize: { mean: 127.5, std: 127.5 }
		},
		output: { name: 'probs', shape: ['n', 80, 37], dtype: 'float32' },
		vocab: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_',
		alphabet: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
		blank_char: '_',
		blank_index: 36,
		max_chars: 12,
		decode: { kind: 'ctc-greedy', lines: 2 }
	};
}

/** A detector.json as models/export.py writes it (the fields the pipeline reads). */
export function detectorJson(): Record<string, unknown> {
	return {
		name: 'spms-plate-detector',
		version: 'test',
		file: 'detector.onnx',
		input: {
			name: 'image',
			shape: [1, 3, 384, 640],
			dtype: 'float32',
			layout: 'NCHW',
			color: 'RGB',
			normalize: { scale: 1 / 255 },
			letterbox: { pad_value: 114 }
		},
		outputs: {
			heat: { shape: [1, 1, 96, 160] },
			heat_max: { shape: [1, 1, 96, 160] },
			reg: {
				shape: [1, 12, 96, 160],
				channels: ['log_w', 'log_h', 'off_x', 'off_y', 'tl_dx', 'tl_dy', 'tr_dx', 'tr_dy', 'br_dx', 'br_dy', 'bl_dx', 'bl_dy']
			}
		},
		stride: 4,
		size_scale: 16.0,
		score_threshold: 0.3,
		max_detections: 50
	};
}

/** A refiner.json as models/export.py writes it (the fields the pipeline reads). */
export function refinerJson(): Record<string, unknown> {
	return {
		name: 'spms-plate-corner-refiner',
		version: 'test',
		file: 'refiner.onnx',
		opset: 17,
		input: {
			name: 'crop',
			shape: [-1, 3, 64, 128],
			dtype: 'float32',
			layout: 'NCHW',
			color: 'RGB',
			normalize: { scale: 0.00392156862745098, formula: 'x = rgb / 255' },
			margin: { x: 0.25, y: 0.5 }
		},
		outputs: { corners: { shape: [-1, 8], meaning: 'TL, TR, BR, BL as x0,y0,x1,y1,x2,y2,x3,y3 in crop units' } },
		passes: 1,
		crop: ['the recipe, for people']
	};
}

export interface FakePlate {
	gx: number;
	gy: number;
	score: number;
	text: string;
}

/** A fake corner refiner: its answer (8 values per crop, crop units) for each run, by pass. */
export interface FakeRefiner {
	corners: (n: number, run: number) => number[];
	outputs?: string[];
}

/**
 * Sessions that answer with hand-made maps: one heat peak per plate (a 64×16 px box in detector
 * pixels, corners at the box corners) and, for the reader, the plates' texts in batch order;
 * with `refiner`, a third session (made after the reader's) answering `refiner.corners`.
 * `inputs` keeps every run's input tensor.
 */
export function fakeRuntime(plates: FakePlate[], names = { det: ['heat', 'heat_max', 'reg'], rdr: ['probs'] }, refiner?: FakeRefiner) {
	const rdr = parseReaderContract(readerJson());
	const GW = 160;
	const GH = 96;
	const CELLS = GW * GH;
	const calls: { model: string; dims: readonly number[] }[] = [];
	const inputs: { model: string; data: Float32Array }[] = [];
	let running = 0;
	let overlapped = false;
	let released = 0;
	const session = (model: string, inputNames: string[], outputNames: string[], run: (x: Tensor) => Record<string, Tensor>): OnnxSession => ({
		inputNames,
		outputNames,
		async run(feeds) {
			overlapped ||= running > 0;
			running++;
			await new Promise((r) => setImmediate(r)); // yield, so an unqueued second call would overlap
			const x = Object.values(feeds)[0] as Tensor;
			calls.push({ model, dims: x.dims });
			inputs.push({ model, data: x.data });
			running--;
			return run(x);
		},
		async release() {
			released++;
		}
	});
	const detector = session('detector', ['image'], names.det, () => {
		const heat = new Float32Array(CELLS);
		const reg = new Float32Array(12 * CELLS);
		for (const p of plates) {
			const cell = p.gy * GW + p.gx;
			heat[cell] = p.score;
			[Math.log(4), 0, 0, 0, -0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5].forEach((v, c) => (reg[c * CELLS + cell] = v));
		}
		return { heat: { data: heat, dims: [1, 1, GH, GW] }, heat_max: { data: heat, dims: [1, 1, GH, GW] }, reg: { data: reg, dims: [1, 12, GH, GW] } };
	});
	const reader = session('reader', ['plate'], names.rdr, (x) => {
		const n = x.dims[0] as number;
		const k = rdr.vocab.length;
		const probs = new Float32Array(n * rdr.steps * k);
		// Texts in detector order (best score first), as the pipeline batches them: each character
		// on every other step, blanks between (a well-formed CTC sequence, repeats included).
		const texts = [...plates].sort((a, b) => b.score - a.score).map((p) => p.text);
		for (let i = 0; i < n; i++) {
			for (let s = 0; s < rdr.steps; s++) {
				const ch = s % 2 === 0 ? (texts[i]?.[s / 2] ?? '_') : '_';
				probs[(i * rdr.steps + s) * k + rdr.vocab.indexOf(ch)] = 0.9;
			}
		}
		return { probs: { data: probs, dims: [n, rdr.steps, k] } };
	});
	const models = [detector, reader];
	if (refiner) {
		let runs = 0;
		models.push(
			session('refiner', ['crop'], refiner.outputs ?? ['corners'], (x) => {
				const n = x.dims[0] as number;
				return { corners: { data: new Float32Array(refiner.corners(n, runs++)), dims: [n, 8] } };
			})
		);
	}
	const createSession: OnnxSessionFactory = async () => models.shift() as OnnxSession;
	return { createSession, calls, inputs, overlapped: () => overlapped, released: () => released };
}
