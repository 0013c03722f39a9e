/**
 * Plain geometry shared by the pipeline: the letterbox of `models/plates/contract.py`, mapping
 * detector coordinates back to frame pixels, box overlap, and the homographies and quad tests of
 * the corner refiner's crop. No OpenCV, no ONNX.
 */

/** A point in pixels, x to the right, y down. */
export type Point = readonly [x: number, y: number];
/** Four corners: top-left, top-right, bottom-right, bottom-left (clockwise, as in the datasets). */
export type Quad = readonly [Point, Point, Point, Point];
/** An axis-aligned box `[x, y, w, h]` in pixels. */
export type Box = readonly [x: number, y: number, w: number, h: number];

/** An RGBA image: the shape of a DOM `ImageData`, also built by hand in Node. */
export interface RgbaImage {
	readonly data: Uint8ClampedArray | Uint8Array;
	readonly width: number;
	readonly height: number;
}

/**
 * How a frame sits in the detector's canvas: resized by `scale` into the top-left
 * `width × height` of an `outWidth × outHeight` canvas (no centring, so no offset to undo).
 */
export interface Letterbox {
	readonly scale: number;
	readonly width: number;
	readonly height: number;
	readonly outWidth: number;
	readonly outHeight: number;
}

/**
 * The letterbox of a `frameWidth × frameHeight` frame, exactly as `contract.letterbox` computes it:
 * `s = min(outW / w, outH / h)`, content `round(w·s) × round(h·s)`.
 * @throws RangeError when a size is not a positive integer
 * @example letterbox(1280, 720, 640, 384) // { scale: 0.5, width: 640, height: 360, … }
 */
export function letterbox(frameWidth: number, frameHeight: number, outWidth: number, outHeight: number): Letterbox {
	for (const [name, v] of Object.entries({ frameWidth, frameHeight, outWidth, outHeight })) {
		if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
	}
	const scale = Math.min(outWidth / frameWidth, outHeight / frameHeight);
	// Python's round() (halves to even), not Math.round: where w·s lands exactly on .5 the two
	// would differ by a pixel column and the tensors would no longer match the contract's.
	const width = Math.max(1, Math.min(outWidth, roundHalfEven(frameWidth * scale)));
	const height = Math.max(1, Math.min(outHeight, roundHalfEven(frameHeight * scale)));
	return { scale, width, height, outWidth, outHeight };
}

/** A detector-canvas point in frame pixels (the inverse of the letterbox). */
export function toFramePoint([x, y]: Point, lb: Letterbox): Point {
	return [x / lb.scale, y / lb.scale];
}

/** A detector-canvas quad in frame pixels. */
export function toFrameQuad([a, b, c, d]: Quad, lb: Letterbox): Quad {
	return [toFramePoint(a, lb), toFramePoint(b, lb), toFramePoint(c, lb), toFramePoint(d, lb)];
}

/** A detector-canvas box in frame pixels, clipped to the frame (corners are never clipped). */
export function toFrameBox([x, y, w, h]: Box, lb: Letterbox, frameWidth: number, frameHeight: number): Box {
	const x0 = clamp(x / lb.scale, 0, frameWidth);
	const y0 = clamp(y / lb.scale, 0, frameHeight);
	const x1 = clamp((x + w) / lb.scale, 0, frameWidth);
	const y1 = clamp((y + h) / lb.scale, 0, frameHeight);
	return [x0, y0, x1 - x0, y1 - y0];
}

/** The axis-aligned box around a quad's corners, clipped to a `frameWidth × frameHeight` frame. */
export function quadBox(quad: Quad, frameWidth: number, frameHeight: number): Box {
	const xs = quad.map(([x]) => clamp(x, 0, frameWidth));
	const ys = quad.map(([, y]) => clamp(y, 0, frameHeight));
	const x0 = Math.min(...xs);
	const y0 = Math.min(...ys);
	return [x0, y0, Math.max(...xs) - x0, Math.max(...ys) - y0];
}

/** The whole image as a quad: how a plain crop is rectified (the crop is the plate). */
export function imageQuad(width: number, height: number): Quad {
	return [
		[0, 0],
		[width, 0],
		[width, height],
		[0, height]
	];
}

/** Intersection over union of two boxes; 0 when either is empty. */
export function iou(a: Box, b: Box): number {
	const iw = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
	const ih = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
	const inter = iw * ih;
	const union = a[2] * a[3] + b[2] * b[3] - inter;
	return union > 0 ? inter / union : 0;
}

/** Rounds like Python's `round()`: halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
	const r = Math.round(v);
	return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A plane homography, row-major 3×3 `[a, b, c, d, e, f, g, h, i]`:
 * `(x, y) → ((a·x + b·y + c) / w, (d·x + e·y + f) / w)` with `w = g·x + h·y + i`.
 */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

/**
 * The homography that maps the unit square (0,0), (1,0), (1,1), (0,1) onto `quad` (TL, TR, BR,
 * BL), in closed form (Heckbert 1989): what `cv.getPerspectiveTransform(unit, quad)` solves for.
 * @returns entries with `i = 1`; not finite when three corners are collinear (no such homography)
 * @example applyHomography(squareToQuad(q), [0.5, 0.5]) // where q's diagonals cross
 */
export function squareToQuad(quad: Quad): Homography {
	const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad;
	const sx = x0 - x1 + x2 - x3;
	const sy = y0 - y1 + y2 - y3;
	const dx1 = x1 - x2;
	const dx2 = x3 - x2;
	const dy1 = y1 - y2;
	const dy2 = y3 - y2;
	const den = dx1 * dy2 - dx2 * dy1;
	const g = (sx * dy2 - dx2 * sy) / den;
	const h = (dx1 * sy - sx * dy1) / den;
	return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

/** `p` mapped by `m` (divided by the homogeneous w, as `cv.perspectiveTransform` does). */
export function applyHomography(m: Homography, [x, y]: Point): Point {
	const w = m[6] * x + m[7] * y + m[8];
	return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

/** Each corner of `quad` mapped by `m`. */
export function mapQuad(m: Homography, quad: Quad): Quad {
	return [applyHomography(m, quad[0]), applyHomography(m, quad[1]), applyHomography(m, quad[2]), applyHomography(m, quad[3])];
}

/**
 * The region around a plate quad that the corner refiner sees: the unit square grown by
 * `mx` on the left and right and `my` above and below, mapped through the plate's own
 * homography (so the margin follows the plate's perspective). `mx = my = 0` gives `quad` back.
 */
export function marginQuad(quad: Quad, mx: number, my: number): Quad {
	return mapQuad(squareToQuad(quad), [
		[-mx, -my],
		[1 + mx, -my],
		[1 + mx, 1 + my],
		[-mx, 1 + my]
	]);
}

/**
 * Twice the signed area of a quad (shoelace): positive for TL → TR → BR → BL clockwise on screen
 * (y down), negative when the corners run the other way.
 */
export function signedArea2(quad: Quad): number {
	let s = 0;
	for (let i = 0; i < 4; i++) {
		const [x0, y0] = quad[i]!;
		const [x1, y1] = quad[(i + 1) % 4]!;
		s += x0 * y1 - x1 * y0;
	}
	return s;
}

/** The quad's area in square pixels (its corners in order, not crossing). */
export function quadArea(quad: Quad): number {
	return Math.abs(signedArea2(quad)) / 2;
}

/**
 * True when the quad is strictly convex (every turn the same way, none straight) and its corners
 * are finite; a self-crossing ("bow-tie") quad is not convex.
 */
export function isConvex(quad: Quad): boolean {
	if (!quad.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))) return false;
	let sign = 0;
	for (let i = 0; i < 4; i++) {
		const [ax, ay] = quad[i]!;
		const [bx, by] = quad[(i + 1) % 4]!;
		const [cx, cy] = quad[(i + 2) % 4]!;
		const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
		if (cross === 0 || (sign !== 0 && Math.sign(cross) !== sign)) return false;
		sign = Math.sign(cross);
	}
	// four turns the same way, each under 180°, sum to one full turn: a simple convex quad
	return true;
}

function clamp(v: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, v));
}
