import { beforeAll, describe, expect, test } from 'vitest';
import { parseDetectorContract, parseReaderContract, parseRefinerContract } from './contract.ts';
import type { Cv } from './cv.ts';
import { applyHomography, type Quad, type RgbaImage } from './geometry.ts';
import { loadOpenCv } from './node.ts';
import { detectorInput, readerInput, refinerInput } from './preprocess.ts';
import { detectorJson, readerJson, refinerJson } from './test-support.ts';

const det = parseDetectorContract(detectorJson());
const rdr = parseReaderContract(readerJson());
const ref = parseRefinerContract(refinerJson());
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
			expect(() => refinerInput(cv, gray, [], ref)).toThrow(TypeError);
		} finally {
			gray.delete();
		}
	});
});

describe('refinerInput', () => {
	const W = ref.width; // 128
	const H = ref.height; // 64
	const plane = W * H;
	// a white 192 × 64 plate at (96, 100) on blue, red rising with x and green with y outside it
	const frame = image(640, 360, (x, y) => (x >= 96 && x < 288 && y >= 100 && y < 164 ? [255, 255, 255] : [Math.min(x, 255), Math.min(y, 255), 200]));
	const plate: Quad = [[96, 100], [288, 100], [288, 164], [96, 164]];

	test('the crop reaches a quarter of the plate’s width beyond each side and half its height above and below', () => {
		const { regions, tensor } = withFrame(frame, (f) => refinerInput(cv, f, [plate], ref));
		// 192 × 64 plate → 288 × 128 region: 48 px more left and right, 32 above and below
		expect(regions).toEqual([[[48, 68], [336, 68], [336, 196], [48, 196]]]);
		expect(tensor.length).toBe(3 * plane);
		const at = (c: number, x: number, y: number): number => (tensor[c * plane + y * W + x] as number) / ref.scale;
		// the plate spans x 128·(0.25 / 1.5) … 128·(1.25 / 1.5) = 21.3 … 106.7 and y 16 … 48 of the crop
		expect([at(0, 64, 32), at(1, 64, 32), at(2, 64, 32)].map(Math.round)).toEqual([255, 255, 255]);
		expect([at(0, 24, 18), at(2, 104, 46)].map(Math.round)).toEqual([255, 255]);
		expect(at(2, 64, 10)).toBeCloseTo(200, 3); // above the plate
		expect(at(2, 10, 32)).toBeCloseTo(200, 3); // left of it
		// crop pixel (i, j) samples the frame at (48 + 2.25·i, 68 + 2·j): red = x, green = y there
		expect(Math.abs(at(0, 8, 4) - (48 + 2.25 * 8))).toBeLessThanOrEqual(1);
		expect(Math.abs(at(1, 8, 4) - (68 + 2 * 4))).toBeLessThanOrEqual(1);
		expect(Math.abs(at(0, 90, 60) - (48 + 2.25 * 90))).toBeLessThanOrEqual(1);
		expect(tensor.every((v) => v >= 0 && v <= 1)).toBe(true);
	});

	test('toFrame takes crop units back to frame pixels: the plate’s corners where the crop put them', () => {
		const { toFrame } = withFrame(frame, (f) => refinerInput(cv, f, [plate], ref));
		const inCrop = [[0.25 / 1.5, 0.5 / 2], [1.25 / 1.5, 0.5 / 2], [1.25 / 1.5, 1.5 / 2], [0.25 / 1.5, 1.5 / 2]] as const;
		inCrop.forEach((p, j) => {
			const [x, y] = applyHomography(toFrame[0]!, p);
			expect(x).toBeCloseTo(plate[j]![0], 4);
			expect(y).toBeCloseTo(plate[j]![1], 4);
		});
	});

	test('a tilted plate is cropped in its own perspective; several plates make one batch; the border replicates', () => {
		const tilted: Quad = [[100, 110], [280, 95], [290, 170], [95, 160]];
		const offFrame: Quad = [[-100, -40], [60, -40], [60, 20], [-100, 20]];
		const { tensor, regions } = withFrame(frame, (f) => refinerInput(cv, f, [tilted, offFrame], ref));
		expect(tensor.length).toBe(2 * 3 * plane);
		expect(regions).toHaveLength(2);
		// the centre of the tilted plate's crop is on the plate
		expect(Math.round((tensor[32 * W + 64] as number) / ref.scale)).toBe(255);
		// the second crop lies mostly above and left of the frame: replicated edge pixels, never black
		const second = tensor.subarray(3 * plane);
		expect(Math.round((second[2 * plane] as number) / ref.scale)).toBe(200);
	});

	test('no quads give an empty batch; a quad with three corners in a line has no crop', () => {
		expect(withFrame(frame, (f) => refinerInput(cv, f, [], ref)).tensor.length).toBe(0);
		expect(() => withFrame(frame, (f) => refinerInput(cv, f, [[[0, 0], [10, 0], [10, 5], [10, 10]]], ref))).toThrow(RangeError);
	});
});
