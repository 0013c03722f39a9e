import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { imageQuad, iou, letterbox, roundHalfEven, toFrameBox, toFramePoint, toFrameQuad, type Box } from './geometry.ts';

describe('letterbox', () => {
	test.each([
		// frame, canvas → scale, content size (contract.py's example first)
		{ w: 1280, h: 720, scale: 0.5, cw: 640, ch: 360 },
		{ w: 1920, h: 1080, scale: 1 / 3, cw: 640, ch: 360 },
		{ w: 640, h: 384, scale: 1, cw: 640, ch: 384 },
		{ w: 720, h: 1280, scale: 0.3, cw: 216, ch: 384 }, // portrait: height-bound
		{ w: 448, h: 336, scale: 8 / 7, cw: 512, ch: 384 }, // upscaled (dataset scenes are ≤ 448 px)
		{ w: 1, h: 1, scale: 384, cw: 384, ch: 384 }
	])('$w×$h → ×$scale, $cw×$ch', ({ w, h, scale, cw, ch }) => {
		const lb = letterbox(w, h, 640, 384);
		expect(lb.scale).toBeCloseTo(scale, 12);
		expect([lb.width, lb.height, lb.outWidth, lb.outHeight]).toEqual([cw, ch, 640, 384]);
	});

	test('content never overflows the canvas', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), (w, h) => {
				const lb = letterbox(w, h, 640, 384);
				expect(lb.width).toBeLessThanOrEqual(640);
				expect(lb.height).toBeLessThanOrEqual(384);
				// One side fills the canvas.
				expect(lb.width === 640 || lb.height === 384).toBe(true);
			})
		);
	});

	test.each([0, -1, 1.5, Number.NaN])('refuses a frame size of %s', (bad) => {
		expect(() => letterbox(bad, 720, 640, 384)).toThrow(RangeError);
	});
});

describe('roundHalfEven (Python round)', () => {
	test.each([
		[0.5, 0],
		[1.5, 2],
		[2.5, 2],
		[3.5, 4],
		[2.4999, 2],
		[2.5001, 3],
		[-2.5, -2],
		[-3.5, -4],
		[7, 7]
	])('%s → %s', (v, r) => expect(roundHalfEven(v)).toBe(r));
});

describe('inverse mapping to frame pixels', () => {
	const lb = letterbox(1280, 720, 640, 384);

	test('a point scaled into the canvas maps back to where it was', () => {
		fc.assert(
			fc.property(fc.double({ min: 0, max: 1280, noNaN: true }), fc.double({ min: 0, max: 720, noNaN: true }), (x, y) => {
				const [fx, fy] = toFramePoint([x * lb.scale, y * lb.scale], lb);
				expect(fx).toBeCloseTo(x, 9);
				expect(fy).toBeCloseTo(y, 9);
			})
		);
	});

	test('boxes scale by 1/s and are clipped to the frame; corners are not clipped', () => {
		expect(toFrameBox([100, 50, 40, 20], lb, 1280, 720)).toEqual([200, 100, 80, 40]);
		expect(toFrameBox([-10, 350, 40, 30], lb, 1280, 720)).toEqual([0, 700, 60, 20]);
		expect(toFrameQuad([[-10, 0], [10, 0], [10, 5], [-10, 5]], lb)).toEqual([[-20, 0], [20, 0], [20, 10], [-20, 10]]);
	});

	test('the pad area below the content maps outside the frame (and its boxes clip to nothing)', () => {
		const [, , , h] = toFrameBox([0, 365, 50, 10], lb, 1280, 720);
		expect(h).toBe(0);
	});
});

describe('iou', () => {
	test.each<[Box, Box, number]>([
		[[0, 0, 10, 10], [0, 0, 10, 10], 1],
		[[0, 0, 10, 10], [5, 0, 10, 10], 50 / 150],
		[[0, 0, 10, 10], [10, 10, 5, 5], 0],
		[[0, 0, 0, 0], [0, 0, 0, 0], 0]
	])('%j vs %j = %f', (a, b, v) => {
		expect(iou(a, b)).toBeCloseTo(v, 12);
		expect(iou(b, a)).toBeCloseTo(v, 12);
	});
});

test('imageQuad is the image rectangle, TL first and clockwise', () => {
	expect(imageQuad(160, 64)).toEqual([[0, 0], [160, 0], [160, 64], [0, 64]]);
});
