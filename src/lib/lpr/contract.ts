/**
 * The model contracts: `models/reader.json`, `models/detector.json` and the optional
 * `models/refiner.json`, written by
 * `models/export.py` from `models/plates/contract.py`. The TypeScript pipeline reads every
 * preprocessing and decoding constant from here, never from its own copy, so a retrained model
 * with another input size or alphabet needs no code change. Parsing checks each field it relies on
 * and names the one that is missing or wrong.
 */

/** What the pipeline needs from `reader.json`. */
export interface ReaderContract {
	readonly version: string;
	/** Size of the `.onnx` file the contract was exported with, when given. */
	readonly bytes: number | null;
	readonly inputName: string;
	readonly outputName: string;
	/** Input height and width of the rectified gray plate. */
	readonly height: number;
	readonly width: number;
	/** x = (gray − mean) / std. */
	readonly mean: number;
	readonly std: number;
	/** Class index → character; `vocab[blankIndex]` is the CTC blank. */
	readonly vocab: string;
	readonly blankIndex: number;
	/** Time steps of the output sequence (its second dimension). */
	readonly steps: number;
	/** Text lines the steps are split into, in equal runs, top line first; each decodes on its own. */
	readonly lines: number;
	/** Longest text the reader was trained on. */
	readonly maxChars: number;
}

/** Names of the detector's regression channels, in the meaning the decoder gives them. */
export const REG_CHANNELS = [
	'log_w',
	'log_h',
	'off_x',
	'off_y',
	'tl_dx',
	'tl_dy',
	'tr_dx',
	'tr_dy',
	'br_dx',
	'br_dy',
	'bl_dx',
	'bl_dy'
] as const;
export type RegChannel = (typeof REG_CHANNELS)[number];

/** What the pipeline needs from `detector.json`. */
export interface DetectorContract {
	readonly version: string;
	/** Size of the `.onnx` file the contract was exported with, when given. */
	readonly bytes: number | null;
	readonly inputName: string;
	/** Letterbox canvas size. */
	readonly height: number;
	readonly width: number;
	/** x = rgb × scale. */
	readonly scale: number;
	readonly padValue: number;
	readonly heatName: string;
	/** The 3×3 max-pooled heat map, when the model exports it (a peak is where heat == heatMax). */
	readonly heatMaxName: string | null;
	readonly regName: string;
	/** Index of each regression channel within the `reg` output. */
	readonly regIndex: Readonly<Record<RegChannel, number>>;
	readonly stride: number;
	readonly sizeScale: number;
	readonly scoreThreshold: number;
	readonly maxDetections: number;
}

/** What the pipeline needs from `refiner.json` (the optional corner refiner). */
export interface RefinerContract {
	readonly version: string;
	/** Size of the `.onnx` file the contract was exported with, when given. */
	readonly bytes: number | null;
	readonly inputName: string;
	/** The output holding, per plate, TL, TR, BR, BL as x0, y0, …, x3, y3 in crop units. */
	readonly outputName: string;
	/** Input height and width of the RGB crop around a plate. */
	readonly height: number;
	readonly width: number;
	/** x = rgb × scale. */
	readonly scale: number;
	/** The crop reaches `marginX` of the plate's width beyond each side, `marginY` of its height above and below. */
	readonly marginX: number;
	readonly marginY: number;
	/** How many times the refiner runs, each pass on the quad the one before refined. */
	readonly passes: number;
}

/** A contract file that lacks a field the pipeline relies on, or has it in an unexpected form. */
export class ContractError extends Error {
	override name = 'ContractError';
}

/**
 * Refuses an `.onnx` file whose size differs from the one its contract was exported with: the
 * JSON and the model come from different exports (or one was cut short while copying).
 * @throws ContractError naming both sizes
 */
export function checkModelSize(name: string, contract: { readonly bytes: number | null }, model: Uint8Array): void {
	if (contract.bytes !== null && contract.bytes !== model.byteLength) {
		throw new ContractError(
			`the ${name} model has ${model.byteLength} bytes but its contract was exported with ${contract.bytes}: use the .onnx and .json of one export`
		);
	}
}

type Json = Record<string, unknown>;

function field(obj: unknown, path: string): unknown {
	let cur: unknown = obj;
	for (const key of path.split('.')) {
		if (typeof cur !== 'object' || cur === null || !(key in cur)) {
			throw new ContractError(`contract field ${path} is missing`);
		}
		cur = (cur as Json)[key];
	}
	return cur;
}

function str(obj: unknown, path: string): string {
	const v = field(obj, path);
	if (typeof v !== 'string' || v === '') throw new ContractError(`contract field ${path} must be a non-empty string`);
	return v;
}

function num(obj: unknown, path: string, check: (n: number) => boolean = Number.isFinite): number {
	const v = field(obj, path);
	if (typeof v !== 'number' || !check(v)) throw new ContractError(`contract field ${path} is ${JSON.stringify(v)}`);
	return v;
}

function optionalBytes(json: unknown): number | null {
	return typeof json === 'object' && json !== null && 'bytes' in json ? num(json, 'bytes', positiveInt) : null;
}

const positiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;

/** The NCHW input shape with a fixed channel count; returns [height, width]. */
function inputHw(obj: unknown, channels: number): [number, number] {
	const shape = field(obj, 'input.shape');
	if (!Array.isArray(shape) || shape.length !== 4 || shape[1] !== channels) {
		throw new ContractError(`contract field input.shape must be [n, ${channels}, H, W], got ${JSON.stringify(shape)}`);
	}
	const [h, w] = [shape[2], shape[3]];
	if (typeof h !== 'number' || typeof w !== 'number' || !positiveInt(h) || !positiveInt(w)) {
		throw new ContractError(`contract field input.shape has no fixed H and W: ${JSON.stringify(shape)}`);
	}
	return [h, w];
}

/**
 * Reads the reader contract (the parsed `reader.json`).
 * @throws ContractError naming the first missing or malformed field
 */
export function parseReaderContract(json: unknown): ReaderContract {
	const [height, width] = inputHw(json, 1);
	if (str(json, 'input.color') !== 'gray') throw new ContractError('contract field input.color must be "gray"');
	const vocab = str(json, 'vocab');
	const blankIndex = num(json, 'blank_index', (n) => Number.isInteger(n) && n >= 0 && n < vocab.length);
	if (str(json, 'decode.kind') !== 'ctc-greedy') {
		throw new ContractError('contract field decode.kind must be "ctc-greedy"');
	}
	const outShape = field(json, 'output.shape');
	if (!Array.isArray(outShape) || outShape.length !== 3 || outShape[2] !== vocab.length) {
		throw new ContractError(`contract field output.shape must be [n, steps, ${vocab.length}] (the vocabulary size)`);
	}
	const steps = outShape[1];
	if (typeof steps !== 'number' || !positiveInt(steps)) {
		throw new ContractError(`contract field output.shape has no fixed step count: ${JSON.stringify(outShape)}`);
	}
	const lines = num(json, 'decode.lines', (n) => positiveInt(n) && steps % n === 0);
	return {
		version: str(json, 'version'),
		bytes: optionalBytes(json),
		inputName: str(json, 'input.name'),
		outputName: str(json, 'output.name'),
		height,
		width,
		mean: num(json, 'input.normalize.mean'),
		std: num(json, 'input.normalize.std', (n) => n > 0),
		vocab,
		blankIndex,
		steps,
		lines,
		maxChars: num(json, 'max_chars', positiveInt)
	};
}

/**
 * Reads the detector contract (the parsed `detector.json`).
 * @throws ContractError naming the first missing or malformed field
 */
export function parseDetectorContract(json: unknown): DetectorContract {
	const [height, width] = inputHw(json, 3);
	if (str(json, 'input.color') !== 'RGB') throw new ContractError('contract field input.color must be "RGB"');
	const outputs = field(json, 'outputs');
	const names = typeof outputs === 'object' && outputs !== null ? Object.keys(outputs) : [];
	for (const required of ['heat', 'reg']) {
		if (!names.includes(required)) throw new ContractError(`contract field outputs.${required} is missing`);
	}
	const channels = field(json, 'outputs.reg.channels');
	if (!Array.isArray(channels)) throw new ContractError('contract field outputs.reg.channels must be a list');
	const regIndex = {} as Record<RegChannel, number>;
	for (const name of REG_CHANNELS) {
		const i = channels.indexOf(name);
		if (i < 0) throw new ContractError(`contract field outputs.reg.channels lacks ${name}`);
		regIndex[name] = i;
	}
	const stride = num(json, 'stride', positiveInt);
	if (height % stride !== 0 || width % stride !== 0) {
		throw new ContractError(`input ${width}x${height} is not a multiple of the stride ${stride}`);
	}
	return {
		version: str(json, 'version'),
		bytes: optionalBytes(json),
		inputName: str(json, 'input.name'),
		height,
		width,
		scale: num(json, 'input.normalize.scale', (n) => n > 0),
		padValue: num(json, 'input.letterbox.pad_value', (n) => n >= 0 && n <= 255),
		heatName: 'heat',
		// Python's det_codec computes the peak test itself; the export adds it as an output so the
		// app need not, but a model without it still decodes (the decoder then pools in JS).
		heatMaxName: names.includes('heat_max') ? 'heat_max' : null,
		regName: 'reg',
		regIndex,
		stride,
		sizeScale: num(json, 'size_scale', (n) => n > 0),
		scoreThreshold: num(json, 'score_threshold', (n) => n > 0 && n < 1),
		maxDetections: num(json, 'max_detections', positiveInt)
	};
}

/**
 * Reads the corner refiner's contract (the parsed `refiner.json`).
 * @throws ContractError naming the first missing or malformed field
 */
export function parseRefinerContract(json: unknown): RefinerContract {
	const [height, width] = inputHw(json, 3);
	if (str(json, 'input.color') !== 'RGB') throw new ContractError('contract field input.color must be "RGB"');
	if (str(json, 'input.layout') !== 'NCHW') throw new ContractError('contract field input.layout must be "NCHW"');
	if (str(json, 'input.dtype') !== 'float32') throw new ContractError('contract field input.dtype must be "float32"');
	const shape = field(json, 'outputs.corners.shape');
	if (!Array.isArray(shape) || shape.length !== 2 || shape[1] !== 8) {
		throw new ContractError(`contract field outputs.corners.shape must be [n, 8] (four corners), got ${JSON.stringify(shape)}`);
	}
	const margin = (axis: 'x' | 'y'): number => num(json, `input.margin.${axis}`, (n) => Number.isFinite(n) && n >= 0 && n <= 2);
	return {
		version: str(json, 'version'),
		bytes: optionalBytes(json),
		inputName: str(json, 'input.name'),
		outputName: 'corners',
		height,
		width,
		scale: num(json, 'input.normalize.scale', (n) => n > 0),
		marginX: margin('x'),
		marginY: margin('y'),
		// each pass is a model run per frame: more than two was never meant
		passes: num(json, 'passes', (n) => n === 1 || n === 2)
	};
}
