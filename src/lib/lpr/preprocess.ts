/**
 * Model inputs from an RGBA frame, as `models/plates/contract.py` makes them: the detector's
 * letterboxed RGB canvas, the corner refiner's RGB crops around each plate and the reader's
 * rectified gray plates. OpenCV is injected.
 */
import type { DetectorContract, ReaderContract, RefinerContract } from './contract.ts';
import { withMats, type Cv, type CvMat } from './cv.ts';
import { letterbox, marginQuad, squareToQuad, type Homography, type Letterbox, type Quad } from './geometry.ts';

/** The detector's input tensor and where the frame sits in it. */
export interface DetectorInput {
	/** NCHW float32, 1 × 3 × contract.height × contract.width. */
	readonly tensor: Float32Array;
	readonly letterbox: Letterbox;
}

/**
 * Letterboxes an RGBA frame Mat (CV_8UC4) into the detector's input: resized with INTER_LINEAR
 * into the top-left corner, the rest filled with the pad value, RGB planes × scale.
 * @throws TypeError when `frame` is not an 8-bit RGBA Mat
 */
export function detectorInput(cv: Cv, frame: CvMat, contract: DetectorContract): DetectorInput {
	assertRgba(cv, frame);
	const lb = letterbox(frame.cols, frame.rows, contract.width, contract.height);
	const plane = contract.width * contract.height;
	const tensor = new Float32Array(3 * plane).fill(contract.padValue * contract.scale);
	withMats((keep) => {
		// Resizing RGBA, not RGB, saves a colour conversion; OpenCV interpolates each channel on
		// its own, so R, G and B come out as they would from an RGB image.
		let src = frame;
		if (lb.width !== frame.cols || lb.height !== frame.rows) {
			src = keep(new cv.Mat());
			cv.resize(frame, src, new cv.Size(lb.width, lb.height), 0, 0, cv.INTER_LINEAR);
		}
		const d = src.data;
		const s = contract.scale;
		for (let y = 0; y < lb.height; y++) {
			let i = y * lb.width * 4;
			let o = y * contract.width;
			for (let x = 0; x < lb.width; x++, i += 4, o++) {
				tensor[o] = (d[i] as number) * s;
				tensor[o + plane] = (d[i + 1] as number) * s;
				tensor[o + 2 * plane] = (d[i + 2] as number) * s;
			}
		}
	});
	return { tensor, letterbox: lb };
}

/**
 * Rectifies each quad (frame pixels, TL/TR/BR/BL) to the reader's gray input, as
 * `contract.reader_gray` + `reader_tensor`: perspective warp of the colour frame with
 * INTER_LINEAR and BORDER_REPLICATE, then RGB→gray, then (gray − mean) / std.
 * @returns NCHW float32, quads.length × 1 × contract.height × contract.width
 * @throws TypeError when `frame` is not an 8-bit RGBA Mat
 */
export function readerInput(cv: Cv, frame: CvMat, quads: readonly Quad[], contract: ReaderContract): Float32Array {
	assertRgba(cv, frame);
	const { width: w, height: h, mean, std } = contract;
	const out = new Float32Array(quads.length * w * h);
	withMats((keep) => {
		const gray = keep(new cv.Mat());
		warpEach(cv, frame, quads, w, h, (warped, n) => {
			cv.cvtColor(warped, gray, cv.COLOR_RGBA2GRAY);
			const g = gray.data;
			const offset = n * w * h;
			for (let i = 0; i < w * h; i++) out[offset + i] = ((g[i] as number) - mean) / std;
		});
	});
	return out;
}

/** The corner refiner's input tensor and how each crop sits in the frame. */
export interface RefinerInput {
	/** NCHW float32, quads.length × 3 × contract.height × contract.width. */
	readonly tensor: Float32Array;
	/** Per quad, the frame region that was cropped (TL, TR, BR, BL in frame pixels). */
	readonly regions: readonly Quad[];
	/**
	 * Per quad, crop units → frame pixels: a point the refiner gives as (x / width, y / height)
	 * of its crop, mapped to the frame. The same as M⁻¹ · (x·width, y·height) for the warp's M.
	 */
	readonly toFrame: readonly Homography[];
}

/**
 * The corner refiner's crops, as `refiner.json`'s recipe makes them: for each plate quad Q, the
 * region E = H_Q(−mx, −my), H_Q(1+mx, −my), H_Q(1+mx, 1+my), H_Q(−mx, 1+my), H_Q the
 * homography of the unit square onto Q; E warped onto width × height with INTER_LINEAR and
 * BORDER_REPLICATE (the reader's conventions), RGB planes × scale, alpha dropped.
 * Q goes in as float32, as OpenCV takes it.
 * @throws TypeError when `frame` is not an 8-bit RGBA Mat
 * @throws RangeError for a quad with three corners in a line (it has no homography)
 */
export function refinerInput(cv: Cv, frame: CvMat, quads: readonly Quad[], contract: RefinerContract): RefinerInput {
	assertRgba(cv, frame);
	const { width: w, height: h, scale, marginX, marginY } = contract;
	const regions = quads.map((quad) => {
		const q = quad.map(([x, y]) => [Math.fround(x), Math.fround(y)] as const) as unknown as Quad;
		const region = marginQuad(q, marginX, marginY).map(([x, y]) => [Math.fround(x), Math.fround(y)] as const) as unknown as Quad;
		if (!region.flat().every(Number.isFinite)) throw new RangeError(`no crop around the quad ${JSON.stringify(quad)}: three of its corners are in a line`);
		return region;
	});
	const plane = w * h;
	const tensor = new Float32Array(quads.length * 3 * plane);
	warpEach(cv, frame, regions, w, h, (warped, n) => {
		const d = warped.data;
		const offset = n * 3 * plane;
		for (let i = 0, j = 0; i < plane; i++, j += 4) {
			tensor[offset + i] = (d[j] as number) * scale;
			tensor[offset + plane + i] = (d[j + 1] as number) * scale;
			tensor[offset + 2 * plane + i] = (d[j + 2] as number) * scale;
		}
	});
	return { tensor, regions, toFrame: regions.map(squareToQuad) };
}

/**
 * Warps each quad of the RGBA frame onto a w × h RGBA image (its TL, TR, BR, BL to the image's
 * corners; INTER_LINEAR, BORDER_REPLICATE) and hands it to `each`, reusing one Mat.
 */
function warpEach(cv: Cv, frame: CvMat, quads: readonly Quad[], w: number, h: number, each: (warped: CvMat, n: number) => void): void {
	const target = [0, 0, w, 0, w, h, 0, h];
	withMats((keep) => {
		const dst = keep(cv.matFromArray(4, 1, cv.CV_32FC2, target));
		const warped = keep(new cv.Mat());
		const size = new cv.Size(w, h);
		const border = new cv.Scalar();
		quads.forEach((quad, n) => {
			withMats((keepQuad) => {
				const src = keepQuad(cv.matFromArray(4, 1, cv.CV_32FC2, quad.flat()));
				const m = keepQuad(cv.getPerspectiveTransform(src, dst));
				cv.warpPerspective(frame, warped, m, size, cv.INTER_LINEAR, cv.BORDER_REPLICATE, border);
			});
			each(warped, n);
		});
	});
}

function assertRgba(cv: Cv, mat: CvMat): void {
	if (mat.type() !== cv.CV_8UC4 || !mat.isContinuous()) {
		throw new TypeError(`expected a continuous 8-bit RGBA Mat, got type ${mat.type()}`);
	}
}
