import { beforeAll, describe, expect, test } from 'vitest';
import { parseDetectorContract, parseReaderContract } from './contract.ts';
import type { Cv } from './cv.ts';
import type { Quad, RgbaImage } from './geometry.ts';
import { loadOpenCv } from './node.ts';
import { detectorInput, readerInput } from './preprocess.ts';
import { detectorJson, readerJson } from './test-support.ts';

const det = parseDetectorContract(detectorJson());
const rdr = parseReaderContract(readerJson());
let cv: Cv;
beforeAll(async () => ({ cv } = await loadOpenCv()));

/** An RGBA image filled by `rgb(x, y)`. */
function image(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): RgbaImage {
	const data = new Uint8ClampedArray(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data.set([...rgb(x, y), 255], (y * width + x) * 4);
	}
	return { data, width, height };
}

/** Runs `fn` on the image as a Mat, deleting the Mat afterwards. */
function withFrame<T>(img: RgbaImage, fn: (frame: ReturnType<Cv['matFromImageData']>) => T): T {
	const frame = cv.matFromImageData(img);
	try {
		return fn(frame);
	} finally {
		frame.delete();
	}
}

describe('detectorInput', () => {
	test('1280×720 → ½ scale in the top-left, pad rows 360–383 at 114/255, RGB planes', () => {
		const { tensor, letterbox } = withFrame(image(1280, 720, () => [255, 0, 51]), (f) => detectorInput(cv, f, det));
		expect(letterbox).toMatchObject({ scale: 0.5, width: 640, height: 360 });
		expect(tensor.length).toBe(3 * 384 * 640);
		const plane = 384 * 640;
		const at = (c: number, y: number, x: number): number => tensor[c * plane + y * 640 + x] as number;
		expect([at(0, 0, 0), at(1, 0, 0), at(2, 359, 639)]).toEqual([1, 0, Math.fround(51 / 255)]);
		for (const c of [0, 1, 2]) expect(at(c, 360, 0)).toBeCloseTo(114 / 255, 6);
		expect(at(0, 383, 639)).toBeCloseTo(114 / 255, 6);
	});

	test('a portrait frame pads on the right', () => {
		const { tensor, letterbox } = withFrame(image(720, 1280, () => [0, 255, 0]), (f) => detectorInput(cv, f, det));
		expect(letterbox).toMatchObject({ width: 216, height: 384 });
		const plane = 384 * 640;
		expect([tensor[plane + 215], tensor[plane + 216]].map((v) => +(v as number).toFixed(4))).toEqual([1, +(114 / 255).toFixed(4)]);
	});

	test('a frame already 640×384 is taken pixel for pixel', () => {
		const { tensor } = withFrame(image(640, 384, (x, y) => [x % 256, y % 256, 7]), (f) => detectorInput(cv, f, det));
		expect(tensor[383 * 640 + 300]).toBeCloseTo(44 / 255, 6);
		expect(tensor[384 * 640 + 383 * 640 + 300]).toBeCloseTo(127 / 255, 6);
	});
});

describe('readerInput', () => {
	const halves = image(320, 100, (x) => (x < 160 ? [0, 0, 0] : [255, 255, 255]));
	const W = rdr.width;
	const H = rdr.height;

	test('the quad TL→TR→BR→BL becomes the 160×64 plate, normalised to (gray − 127.5) / 127.5', () => {
		const whole: Quad = [[0, 0], [320, 0], [320, 100], [0, 100]];
		const out = withFrame(halves, (f) => readerInput(cv, f, [whole], rdr));
		expect(out.length).toBe(W * H);
		expect([out[10 * W + 5], out[10 * W + W - 5]]).toEqual([-1, 1]);
	});

	test('corners given right-to-left mirror the plate (the order is the contract)', () => {
		const mirrored: Quad = [[320, 0], [0, 0], [0, 100], [320, 100]];
		const out = withFrame(halves, (f) => readerInput(cv, f, [mirrored], rdr));
		expect([out[10 * W + 5], out[10 * W + W - 5]]).toEqual([1, -1]);
	});

	test('several quads make one batch; corners outside the frame replicate its border', () => {
		const inside: Quad = [[170, 10], [310, 10], [310, 90], [170, 90]];
		const outside: Quad = [[-50, -20], [100, -20], [100, 50], [-50, 50]];
		const out = withFrame(halves, (f) => readerInput(cv, f, [inside, outside], rdr));
		expect(out.length).toBe(2 * W * H);
		expect(out.subarray(0, W * H).every((v) => v === 1)).toBe(true);
		expect(out.subarray(W * H).every((v) => v === -1)).toBe(true);
	});

	test('grey uses OpenCV’s RGB weights (0.299, 0.587, 0.114)', () => {
		const red = image(32, 16, () => [255, 0, 0]);
		const out = withFrame(red, (f) => readerInput(cv, f, [[[0, 0], [32, 0], [32, 16], [0, 16]]], rdr));
		expect(out[0]).toBeCloseTo((76 - 127.5) / 127.5, 6); // round(0.299 × 255) = 76
	});

	test('refuses a Mat that is not 8-bit RGBA', () => {
		const gray = cv.matFromArray(2, 2, 0, [1, 2, 3, 4]);
		try {
			expect(() => readerInput(cv, gray, [], rdr)).toThrow(TypeError);
			expect(() => detectorInput(cv, gray, det)).toThrow(TypeError);
		} finally {
			gray.delete();
		}
	});
});
