/**
 * The plate-recognition pipeline over an injected OpenCV instance and ONNX session factory:
 * letterbox → detector → peaks + NMS → (optional) corner refiner → rectify each plate from its
 * corners → reader → decode → country rules. Pure of any runtime import, so it runs the same in
 * Node and in a Web Worker.
 */
import type { DetectorContract, ReaderContract, RefinerContract } from './contract.ts';
import type { Cv, CvMat } from './cv.ts';
import { decodeDetections, nonMaxSuppression, type Detection } from './detect.ts';
import {
	applyHomography,
	imageQuad,
	isConvex,
	quadArea,
	quadBox,
	signedArea2,
	toFrameBox,
	toFrameQuad,
	type Box,
	type Letterbox,
	type Quad,
	type RgbaImage
} from './geometry.ts';
import type { OnnxSession, OnnxSessionFactory, Tensor } from './onnx.ts';
import { applyPlateFormat, type CountryOption, type FormattedReading } from './plate-format.ts';
import { detectorInput, readerInput, refinerInput } from './preprocess.ts';
import { decodeReading } from './read.ts';

/**
 * The models: the bytes of each `.onnx` file and its parsed JSON contract. The corner refiner is
 * optional: without it plates are read in the detector's corners, as before it existed.
 */
export interface PlateModels {
	readonly detector: { readonly model: Uint8Array; readonly contract: DetectorContract };
	readonly reader: { readonly model: Uint8Array; readonly contract: ReaderContract };
	readonly refiner?: { readonly model: Uint8Array; readonly contract: RefinerContract } | undefined;
}

/** What {@link createPlateReader} needs: the models and the runtimes to run them with. */
export interface PlateReaderDeps extends PlateModels {
	readonly cv: Cv;
	readonly createSession: OnnxSessionFactory;
}

/** One plate read in a frame; coordinates in frame pixels. */
export interface PlateRead extends FormattedReading {
	/**
	 * The box around the refined corners when the refiner placed them, else the detector's box;
	 * clipped to the frame. (The refiner sees the plate at its own scale: its box fits the plate
	 * better than the detector's, which is regressed from one stride-4 cell.)
	 */
	readonly box: Box;
	/**
	 * TL, TR, BR, BL where the plate was read: the corner refiner's corners when it is loaded and
	 * they pass {@link plausibleRefinement}, else the detector's (they may reach slightly outside
	 * the frame).
	 */
	readonly corners: Quad;
	/** The detector's centre probability. */
	readonly detectorScore: number;
}

/** Options for {@link PlateReader.readFrame}. */
export interface ReadOptions {
	/** The lot's plate country (default `auto`: no correction). */
	readonly country?: CountryOption;
	/** Lowest detector score accepted (default: the detector contract's). */
	readonly threshold?: number;
	/** Most plates read per frame (default 10: more is a car park photo, not a gate camera). */
	readonly maxPlates?: number;
	/** Boxes overlapping a better one by more than this are dropped (default 0.5). */
	readonly nmsIou?: number;
}

/** Options for {@link PlateReader.detect}. */
export interface DetectOptions extends ReadOptions {
	/** Place the corners again with the corner refiner when one is loaded, as readFrame does (default false). */
	readonly refine?: boolean;
}

/** A loaded pipeline. Calls are queued: a session runs one inference at a time. */
export interface PlateReader {
	readonly detectorVersion: string;
	readonly readerVersion: string;
	/** The corner refiner's version, or null when none is loaded. */
	readonly refinerVersion: string | null;
	/**
	 * Finds and reads the plates in a frame, best first (detector score × read confidence); with
	 * a corner refiner, each plate is read in its refined corners.
	 * A frame without a plate gives an empty list.
	 * @throws RangeError when `image` is not a well-formed RGBA image
	 */
	readFrame(image: RgbaImage, options?: ReadOptions): Promise<PlateRead[]>;
	/**
	 * Finds plates without reading them: boxes and corners in frame pixels, best first (for
	 * measuring detection, or for blurring plates). The detector's own unless `options.refine`,
	 * which places them as readFrame does, with the corner refiner when one is loaded.
	 */
	detect(image: RgbaImage, options?: DetectOptions): Promise<Detection[]>;
	/**
	 * Reads given plate quads without the detector (one reading per quad, in order); without
	 * quads, the whole image is one plate, as for a dataset crop. The quads are read as given:
	 * the corner refiner does not run.
	 */
	readPlates(image: RgbaImage, quads?: readonly Quad[], country?: CountryOption): Promise<FormattedReading[]>;
	/**
	 * Reads plates found in an earlier video frame where they were, without the detector; each
	 * keeps its detector score, one the reader finds nothing in is dropped. Best first.
	 * With a corner refiner, their corners are refined in this frame first (the plate moved), and
	 * a plate whose corners the refiner placed gets the box around them.
	 */
	readFound(image: RgbaImage, found: readonly FoundPlate[], options?: ReadOptions): Promise<PlateRead[]>;
	/** Releases the sessions; the reader is unusable afterwards. */
	dispose(): Promise<void>;
}

/** Where a plate was found: a {@link PlateRead}'s box, corners and detector score. */
export type FoundPlate = Pick<PlateRead, 'box' | 'corners' | 'detectorScore'>;

/**
 * Readings of found plates as results: a plate the reader finds no character in is not reported
 * (an empty list beats a guess); best first, by detector score × read confidence.
 */
function platesOf(readings: readonly FormattedReading[], found: readonly FoundPlate[]): PlateRead[] {
	const plates = readings.flatMap((reading, i) => {
		const f = found[i]!;
		return reading.text === '' ? [] : [{ ...reading, box: f.box, corners: f.corners, detectorScore: f.detectorScore }];
	});
	return plates.sort((a, b) => b.detectorScore * b.confidence - a.detectorScore * a.confidence);
}

/** How far a refined quad's area may be from the one it refined, as a factor either way. */
export const MAX_REFINED_AREA_RATIO = 2.5;

/**
 * The corner refiner's sanity guard: its quad replaces the one it was given only when it is
 * strictly convex with finite corners, runs the same way round (not mirrored), and its area is
 * within a factor {@link MAX_REFINED_AREA_RATIO} of the given quad's. A refiner that lost the
 * plate (a crop with no plate in it, a plate cut off by the crop) tends to answer with a
 * collapsed, crossed or whole-crop quad; reading in the detector's corners beats reading there.
 */
export function plausibleRefinement(given: Quad, refined: Quad): boolean {
	if (!isConvex(refined) || Math.sign(signedArea2(refined)) !== Math.sign(signedArea2(given))) return false;
	const ratio = quadArea(refined) / quadArea(given);
	return ratio <= MAX_REFINED_AREA_RATIO && ratio >= 1 / MAX_REFINED_AREA_RATIO;
}

const DEFAULT_MAX_PLATES = 10;
// det_codec.make_targets trains no centre for boxes under 4 × 2 input pixels: such a peak is noise.
const MIN_BOX_W = 4;
const MIN_BOX_H = 2;

/**
 * Loads the models (the refiner when given) and returns a {@link PlateReader}.
 * @throws Error when a model's input or output names do not match its contract (every session
 *   made is released first)
 * @example
 * const lpr = await createPlateReader({ cv, createSession, detector, reader });
 * const plates = await lpr.readFrame(imageData, { country: 'in' });
 */
export async function createPlateReader(deps: PlateReaderDeps): Promise<PlateReader> {
	const { cv } = deps;
	const det = deps.detector.contract;
	const rdr = deps.reader.contract;
	const ref = deps.refiner?.contract ?? null;
	const sessions: OnnxSession[] = [];
	const open = async (model: Uint8Array): Promise<OnnxSession> => {
		const session = await deps.createSession(model);
		sessions.push(session);
		return session;
	};
	let detSession: OnnxSession;
	let rdrSession: OnnxSession;
	let refSession: OnnxSession | null = null;
	try {
		detSession = await open(deps.detector.model);
		rdrSession = await open(deps.reader.model);
		if (deps.refiner) refSession = await open(deps.refiner.model);
		checkNames('detector', detSession, [det.inputName], [det.heatName, det.regName, ...(det.heatMaxName ? [det.heatMaxName] : [])]);
		checkNames('reader', rdrSession, [rdr.inputName], [rdr.outputName]);
		if (refSession && ref) checkNames('refiner', refSession, [ref.inputName], [ref.outputName]);
	} catch (e) {
		await Promise.all(sessions.map((s) => s.release()));
		throw e;
	}

	async function detect(frame: CvMat, options: ReadOptions): Promise<{ detections: Detection[]; lb: Letterbox }> {
		const { tensor, letterbox: lb } = detectorInput(cv, frame, det);
		const out = await detSession.run({ [det.inputName]: { data: tensor, dims: [1, 3, det.height, det.width] } });
		const maps = {
			heat: output(out, det.heatName).data,
			heatMax: det.heatMaxName ? output(out, det.heatMaxName).data : null,
			reg: output(out, det.regName).data,
			gridWidth: det.width / det.stride,
			gridHeight: det.height / det.stride
		};
		const decoded = decodeDetections(maps, det, options.threshold === undefined ? {} : { threshold: options.threshold });
		const kept = nonMaxSuppression(decoded, options.nmsIou ?? 0.5)
			.filter((d) => d.box[2] >= MIN_BOX_W && d.box[3] >= MIN_BOX_H)
			.slice(0, options.maxPlates ?? DEFAULT_MAX_PLATES);
		return { detections: kept, lb };
	}

	/** The detector's plates in frame pixels. */
	async function find(frame: CvMat, options: ReadOptions): Promise<FoundPlate[]> {
		const { detections, lb } = await detect(frame, options);
		return detections.map((d) => ({
			box: toFrameBox(d.box, lb, frame.cols, frame.rows),
			corners: toFrameQuad(d.corners, lb),
			detectorScore: d.score
		}));
	}

	/**
	 * The refiner's corners for each quad, in one batched run per pass; a quad keeps its corners
	 * when it is not strictly convex (no plate homography to crop in) or when a pass's answer
	 * fails {@link plausibleRefinement} against it (then later passes leave it alone too).
	 */
	async function refine(frame: CvMat, quads: readonly Quad[]): Promise<Quad[]> {
		const result = [...quads];
		if (refSession === null || ref === null) return result;
		let active = quads.flatMap((q, i) => (isConvex(q) ? [i] : []));
		for (let pass = 0; pass < ref.passes && active.length > 0; pass++) {
			const input = refinerInput(cv, frame, active.map((i) => result[i]!), ref);
			const out = await refSession.run({ [ref.inputName]: { data: input.tensor, dims: [active.length, 3, ref.height, ref.width] } });
			const corners = output(out, ref.outputName).data;
			if (corners.length !== active.length * 8) {
				throw new Error(`the refiner gave ${corners.length} values for ${active.length} plates, expected 8 each`);
			}
			active = active.filter((i, k) => {
				const toFrame = input.toFrame[k]!;
				const at = (j: number) => applyHomography(toFrame, [corners[8 * k + 2 * j]!, corners[8 * k + 2 * j + 1]!]);
				const refined: Quad = [at(0), at(1), at(2), at(3)];
				const ok = plausibleRefinement(quads[i]!, refined);
				result[i] = ok ? refined : quads[i]!;
				return ok;
			});
		}
		return result;
	}

	/** The found plates with refined corners, and the box around those where the refiner placed them. */
	async function relocate(frame: CvMat, found: readonly FoundPlate[]): Promise<FoundPlate[]> {
		const corners = await refine(frame, found.map((f) => f.corners));
		return found.map((f, i) => {
			const quad = corners[i]!;
			// refine() hands back the very quad it was given where it kept the detector's corners
			return quad === f.corners ? f : { ...f, corners: quad, box: quadBox(quad, frame.cols, frame.rows) };
		});
	}

	/** Refines the found plates' corners and reads each in them. */
	async function readAt(frame: CvMat, found: readonly FoundPlate[], country: CountryOption): Promise<PlateRead[]> {
		const located = await relocate(frame, found);
		return platesOf(await read(frame, located.map((f) => f.corners), country), located);
	}

	async function read(frame: CvMat, quads: readonly Quad[], country: CountryOption): Promise<FormattedReading[]> {
		if (quads.length === 0) return [];
		const data = readerInput(cv, frame, quads, rdr);
		const out = await rdrSession.run({ [rdr.inputName]: { data, dims: [quads.length, 1, rdr.height, rdr.width] } });
		const probs = output(out, rdr.outputName).data;
		return quads.map((_, i) => applyPlateFormat(decodeReading(probs, i, rdr), country));
	}

	// One inference at a time: onnxruntime-web refuses concurrent runs on a session, and a
	// queue keeps the OpenCV heap from holding several frames at once.
	let queue: Promise<unknown> = Promise.resolve();
	const serial = <T>(job: () => Promise<T>): Promise<T> => {
		const run = queue.then(job, job);
		queue = run.catch(() => undefined);
		return run;
	};
	const withFrame = <T>(image: RgbaImage, job: (frame: CvMat) => Promise<T>): Promise<T> =>
		serial(async () => {
			checkImage(image);
			const frame = cv.matFromImageData(image);
			try {
				return await job(frame);
			} catch (e) {
				throw cvError(cv, e);
			} finally {
				frame.delete();
			}
		});

	let disposed = false;
	const alive = (): void => {
		if (disposed) throw new Error('the plate reader was disposed');
	};

	return {
		detectorVersion: det.version,
		readerVersion: rdr.version,
		refinerVersion: ref?.version ?? null,
		async readFrame(image, options = {}) {
			alive();
			return withFrame(image, async (frame) => {
				return readAt(frame, await find(frame, options), options.country ?? 'auto');
			});
		},
		async readFound(image, found, options = {}) {
			alive();
			return withFrame(image, (frame) => readAt(frame, found, options.country ?? 'auto'));
		},
		async detect(image, options = {}) {
			alive();
			return withFrame(image, async (frame) => {
				const found = await find(frame, options);
				const located = options.refine ? await relocate(frame, found) : found;
				return located.map((f) => ({ score: f.detectorScore, box: f.box, corners: f.corners }));
			});
		},
		async readPlates(image, quads, country = 'auto') {
			alive();
			return withFrame(image, (frame) => read(frame, quads ?? [imageQuad(image.width, image.height)], country));
		},
		async dispose() {
			if (disposed) return;
			disposed = true;
			await queue;
			await Promise.all(sessions.map((s) => s.release()));
		}
	};
}

/** OpenCV.js throws C++ exceptions as bare numbers (pointers); make them Errors with its message. */
function cvError(cv: Cv, e: unknown): unknown {
	if (typeof e !== 'number') return e;
	const msg = cv.exceptionFromPtr?.(e)?.msg;
	return new Error(`OpenCV error: ${msg ?? `exception ${e}`}`);
}

function output(out: Record<string, Tensor>, name: string): Tensor {
	const t = out[name];
	if (t === undefined) throw new Error(`model output ${name} is missing`);
	return t;
}

function checkNames(model: string, session: OnnxSession, inputs: readonly string[], outputs: readonly string[]): void {
	const missing = [
		...inputs.filter((n) => !session.inputNames.includes(n)).map((n) => `input ${n}`),
		...outputs.filter((n) => !session.outputNames.includes(n)).map((n) => `output ${n}`)
	];
	if (missing.length > 0) {
		throw new Error(
			`the ${model} model does not match its contract: no ${missing.join(', ')} (has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`
		);
	}
}

function checkImage(image: RgbaImage): void {
	const { width, height, data } = image;
	if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
		throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
	}
	if (data.length !== width * height * 4) {
		throw new RangeError(`RGBA data of a ${width}x${height} image must hold ${width * height * 4} bytes, got ${data.length}`);
	}
}
