/**
 * The plate-recognition pipeline over an injected OpenCV instance and ONNX session factory:
 * letterbox → detector → peaks + NMS → rectify each plate from its corners → reader → decode →
 * country rules. Pure of any runtime import, so it runs the same in Node and in a Web Worker.
 */
import type { DetectorContract, ReaderContract } from './contract.ts';
import type { Cv, CvMat } from './cv.ts';
import { decodeDetections, nonMaxSuppression, type Detection } from './detect.ts';
import { imageQuad, toFrameBox, toFrameQuad, type Box, type Letterbox, type Quad, type RgbaImage } from './geometry.ts';
import type { OnnxSession, OnnxSessionFactory, Tensor } from './onnx.ts';
import { applyPlateFormat, type CountryOption, type FormattedReading } from './plate-format.ts';
import { detectorInput, readerInput } from './preprocess.ts';
import { decodeReading } from './read.ts';

/** The two models: the bytes of each `.onnx` file and its parsed JSON contract. */
export interface PlateModels {
	readonly detector: { readonly model: Uint8Array; readonly contract: DetectorContract };
	readonly reader: { readonly model: Uint8Array; readonly contract: ReaderContract };
}

/** What {@link createPlateReader} needs: the models and the runtimes to run them with. */
export interface PlateReaderDeps extends PlateModels {
	readonly cv: Cv;
	readonly createSession: OnnxSessionFactory;
}

/** One plate read in a frame; coordinates in frame pixels. */
export interface PlateRead extends FormattedReading {
	readonly box: Box;
	/** TL, TR, BR, BL, as the detector placed them (may reach slightly outside the frame). */
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

/** A loaded pipeline. Calls are queued: a session runs one inference at a time. */
export interface PlateReader {
	readonly detectorVersion: string;
	readonly readerVersion: string;
	/**
	 * Finds and reads the plates in a frame, best first (detector score × read confidence).
	 * A frame without a plate gives an empty list.
	 * @throws RangeError when `image` is not a well-formed RGBA image
	 */
	readFrame(image: RgbaImage, options?: ReadOptions): Promise<PlateRead[]>;
	/**
	 * Only the detector: plate boxes and corners in frame pixels, best first, before reading
	 * (for measuring the detector, or for blurring plates without reading them).
	 */
	detect(image: RgbaImage, options?: ReadOptions): Promise<Detection[]>;
	/**
	 * Reads given plate quads without the detector (one reading per quad, in order); without
	 * quads, the whole image is one plate, as for a dataset crop.
	 */
	readPlates(image: RgbaImage, quads?: readonly Quad[], country?: CountryOption): Promise<FormattedReading[]>;
	/**
	 * Reads plates found in an earlier video frame where they were, without the detector; each
	 * keeps its box and detector score, one the reader finds nothing in is dropped. Best first.
	 */
	readFound(image: RgbaImage, found: readonly FoundPlate[], options?: ReadOptions): Promise<PlateRead[]>;
	/** Releases both sessions; the reader is unusable afterwards. */
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

const DEFAULT_MAX_PLATES = 10;
// det_codec.make_targets trains no centre for boxes under 4 × 2 input pixels: such a peak is noise.
const MIN_BOX_W = 4;
const MIN_BOX_H = 2;

/**
 * Loads both models and returns a {@link PlateReader}.
 * @throws Error when a model's input or output names do not match its contract
 * @example
 * const lpr = await createPlateReader({ cv, createSession, detector, reader });
 * const plates = await lpr.readFrame(imageData, { country: 'in' });
 */
export async function createPlateReader(deps: PlateReaderDeps): Promise<PlateReader> {
	const { cv } = deps;
	const det = deps.detector.contract;
	const rdr = deps.reader.contract;
	const detSession = await deps.createSession(deps.detector.model);
	const rdrSession = await deps.createSession(deps.reader.model).catch(async (e: unknown) => {
		await detSession.release();
		throw e;
	});
	try {
		checkNames('detector', detSession, [det.inputName], [det.heatName, det.regName, ...(det.heatMaxName ? [det.heatMaxName] : [])]);
		checkNames('reader', rdrSession, [rdr.inputName], [rdr.outputName]);
	} catch (e) {
		await Promise.all([detSession.release(), rdrSession.release()]);
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
		async readFrame(image, options = {}) {
			alive();
			return withFrame(image, async (frame) => {
				const { detections, lb } = await detect(frame, options);
				const found = detections.map((d) => ({ box: toFrameBox(d.box, lb, image.width, image.height), corners: toFrameQuad(d.corners, lb), detectorScore: d.score }));
				return platesOf(await read(frame, found.map((f) => f.corners), options.country ?? 'auto'), found);
			});
		},
		async readFound(image, found, options = {}) {
			alive();
			return withFrame(image, async (frame) => platesOf(await read(frame, found.map((f) => f.corners), options.country ?? 'auto'), found));
		},
		async detect(image, options = {}) {
			alive();
			return withFrame(image, async (frame) => {
				const { detections, lb } = await detect(frame, options);
				return detections.map((d) => ({
					score: d.score,
					box: toFrameBox(d.box, lb, image.width, image.height),
					corners: toFrameQuad(d.corners, lb)
				}));
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
			await Promise.all([detSession.release(), rdrSession.release()]);
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
