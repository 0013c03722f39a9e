import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	applyHomography,
	imageQuad,
	iou,
	isConvex,
	letterbox,
	mapQuad,
	marginQuad,
	quadArea,
	quadBox,
	roundHalfEven,
	signedArea2,
	squareToQuad,
	toFrameBox,
	toFramePoint,
	toFrameQuad,
	type Box,
	type Point,
	type Quad
} from './geometry.ts';

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

describe('quadBox', () => {
	test('is the box around a tilted quad, clipped to the frame', () => {
		expect(quadBox([[10, 20], [110, 10], [115, 50], [12, 60]], 1280, 720)).toEqual([10, 10, 105, 50]);
		expect(quadBox([[-5, 700], [60, 700], [60, 730], [-5, 730]], 1280, 720)).toEqual([0, 700, 60, 20]);
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

/** A convex plate-like quad: a rectangle in the frame, each corner moved by up to a fifth of the plate. */
const plateQuad = fc
	.tuple(
		fc.double({ min: 0, max: 1000, noNaN: true }),
		fc.double({ min: 0, max: 600, noNaN: true }),
		fc.double({ min: 40, max: 400, noNaN: true }),
		fc.double({ min: 0.2, max: 0.8, noNaN: true }),
		fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 8, maxLength: 8 })
	)
	.map(([x, y, w, aspect, jitter]): Quad => {
		const h = w * aspect;
		const j = (k: number, size: number): number => (jitter[k] as number) * size;
		return [
			[x + j(0, w), y + j(1, h)],
			[x + w + j(2, w), y + j(3, h)],
			[x + w + j(4, w), y + h + j(5, h)],
			[x + j(6, w), y + h + j(7, h)]
		];
	})
	.filter(isConvex);

const UNIT: Quad = [[0, 0], [1, 0], [1, 1], [0, 1]];
const near = (a: Point, b: Point, digits = 6): void => {
	expect(a[0]).toBeCloseTo(b[0], digits);
	expect(a[1]).toBeCloseTo(b[1], digits);
};
/** Twice the signed area of the triangle a, b, c: zero when they are collinear. */
const cross = (a: Point, b: Point, c: Point): number => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

describe('squareToQuad / applyHomography', () => {
	test('maps the unit square’s corners onto the quad’s, in order', () => {
		fc.assert(
			fc.property(plateQuad, (q) => {
				mapQuad(squareToQuad(q), UNIT).forEach((p, i) => near(p, q[i] as Point));
			})
		);
	});

	test('a straight line stays straight: the top edge’s points lie on TL–TR', () => {
		fc.assert(
			fc.property(plateQuad, fc.double({ min: -0.5, max: 1.5, noNaN: true }), (q, t) => {
				const p = applyHomography(squareToQuad(q), [t, 0]);
				const len = Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]);
				expect(Math.abs(cross(q[0], q[1], p)) / len).toBeLessThan(1e-6);
			})
		);
	});

	test('the square’s centre goes to where the quad’s diagonals cross (perspective, not the average)', () => {
		fc.assert(
			fc.property(plateQuad, (q) => {
				const c = applyHomography(squareToQuad(q), [0.5, 0.5]);
				expect(Math.abs(cross(q[0], q[2], c))).toBeLessThan(1e-6 * quadArea(q));
				expect(Math.abs(cross(q[1], q[3], c))).toBeLessThan(1e-6 * quadArea(q));
			})
		);
	});

	test('a rectangle’s homography is its scale and offset', () => {
		// + 0: an affine quad's g and h come out as -0
		expect(squareToQuad([[10, 20], [110, 20], [110, 70], [10, 70]]).map((v) => v + 0)).toEqual([100, 0, 10, 0, 50, 20, 0, 0, 1]);
		expect(applyHomography([100, 0, 10, 0, 50, 20, 0, 0, 1], [0.25, 0.5])).toEqual([35, 45]);
	});

	test('three collinear corners have no homography: the entries are not finite', () => {
		expect(squareToQuad([[0, 0], [10, 0], [10, 5], [10, 10]]).every(Number.isFinite)).toBe(false);
	});
});

describe('marginQuad (the refiner’s crop region)', () => {
	test('a rectangle grows by mx of its width on each side and my of its height above and below', () => {
		expect(marginQuad([[100, 100], [300, 100], [300, 150], [100, 150]], 0.25, 0.5)).toEqual([
			[50, 75],
			[350, 75],
			[350, 175],
			[50, 175]
		]);
	});

	test('no margin gives the quad back; a margin contains it and stays convex, the same way round', () => {
		fc.assert(
			fc.property(plateQuad, fc.double({ min: 0, max: 0.6, noNaN: true }), fc.double({ min: 0, max: 0.6, noNaN: true }), (q, mx, my) => {
				marginQuad(q, 0, 0).forEach((p, i) => near(p, q[i] as Point));
				const e = marginQuad(q, mx, my);
				expect(isConvex(e)).toBe(true);
				expect(Math.sign(signedArea2(e))).toBe(Math.sign(signedArea2(q)));
				expect(quadArea(e)).toBeGreaterThanOrEqual(quadArea(q) * (1 - 1e-9));
			})
		);
	});

	test('the plate’s corners sit at the margin’s fractions inside the crop: mapping back through the crop finds them', () => {
		fc.assert(
			fc.property(plateQuad, (q) => {
				const mx = 0.25;
				const my = 0.5;
				// crop units (x / W, y / H) → frame: the homography of the crop region itself
				const toFrame = squareToQuad(marginQuad(q, mx, my));
				const inCrop: Quad = [
					[mx / (1 + 2 * mx), my / (1 + 2 * my)],
					[(1 + mx) / (1 + 2 * mx), my / (1 + 2 * my)],
					[(1 + mx) / (1 + 2 * mx), (1 + my) / (1 + 2 * my)],
					[mx / (1 + 2 * mx), (1 + my) / (1 + 2 * my)]
				];
				mapQuad(toFrame, inCrop).forEach((p, i) => near(p, q[i] as Point, 5));
			})
		);
	});
});

describe('quad tests', () => {
	test.each<[string, Quad, boolean, number]>([
		['a rectangle, clockwise on screen', [[0, 0], [4, 0], [4, 2], [0, 2]], true, 8],
		['the same, the other way round', [[0, 0], [0, 2], [4, 2], [4, 0]], true, 8],
		['a bow-tie (two corners swapped)', [[0, 0], [4, 0], [0, 2], [4, 2]], false, 0],
		['a dart (one corner pushed in)', [[0, 0], [4, 0], [1, 1], [0, 4]], false, 4],
		['three corners in a line', [[0, 0], [2, 0], [4, 0], [0, 2]], false, 4],
		['a NaN corner', [[0, 0], [4, 0], [4, Number.NaN], [0, 2]], false, Number.NaN]
	])('%s: convex %s, area %s', (_, q, convex, area) => {
		expect(isConvex(q)).toBe(convex);
		expect(quadArea(q)).toBe(area);
	});

	test('the signed area says which way the corners run', () => {
		expect(signedArea2([[0, 0], [4, 0], [4, 2], [0, 2]])).toBe(16);
		expect(signedArea2([[0, 0], [0, 2], [4, 2], [4, 0]])).toBe(-16);
	});
});
