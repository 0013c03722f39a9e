/**
 * Plain geometry shared by the pipeline: the letterbox of `models/plates/contract.py`, mapping
 * detector coordinates back to frame pixels, and box overlap. No OpenCV, no ONNX.
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

function clamp(v: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, v));
}
