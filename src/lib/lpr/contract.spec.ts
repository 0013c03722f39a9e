import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ContractError, checkModelSize, parseDetectorContract, parseReaderContract, parseRefinerContract } from './contract.ts';
import { MODELS_DIR, detectorJson, readerJson, refinerJson } from './test-support.ts';

/** A deep copy of `json` with the value at `path` replaced (or deleted when `value` is undefined). */
function edit(json: Record<string, unknown>, path: string, value?: unknown): Record<string, unknown> {
	const copy = structuredClone(json);
	const keys = path.split('.');
	let obj = copy as Record<string, unknown>;
	for (const k of keys.slice(0, -1)) obj = obj[k] as Record<string, unknown>;
	const last = keys.at(-1) as string;
	if (value === undefined) delete obj[last];
	else obj[last] = value;
	return copy;
}

describe('parseReaderContract', () => {
	test('reads what export.py writes', () => {
		expect(parseReaderContract(readerJson())).toEqual({
			version: 'test',
			bytes: null,
			inputName: 'plate',
			outputName: 'probs',
			height: 64,
			width: 160,
			mean: 127.5,
			std: 127.5,
			vocab: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_',
			blankIndex: 36,
			steps: 80,
			lines: 2,
			maxChars: 12
		});
	});

	test.each([
		['vocab', undefined, /vocab is missing/],
		['input.normalize.std', 0, /input\.normalize\.std/],
		['input.shape', ['n', 3, 64, 160], /input\.shape must be \[n, 1, H, W\]/],
		['input.shape', ['n', 1, 'h', 160], /no fixed H and W/],
		['input.color', 'RGB', /input\.color must be "gray"/],
		['blank_index', 37, /blank_index/],
		['output.shape', ['n', 80, 36], /vocabulary size/],
		['output.shape', ['n', 'steps', 37], /no fixed step count/],
		['decode.kind', 'slots', /decode\.kind must be "ctc-greedy"/],
		['decode.lines', 3, /decode\.lines/],
		['max_chars', 0, /max_chars/]
	])('names the bad field %s', (path, value, message) => {
		expect(() => parseReaderContract(edit(readerJson(), path, value))).toThrow(message);
		expect(() => parseReaderContract(edit(readerJson(), path, value))).toThrow(ContractError);
	});

	test('refuses what is not an object', () => {
		expect(() => parseReaderContract(null)).toThrow(ContractError);
		expect(() => parseReaderContract('reader.json')).toThrow(ContractError);
	});
});

describe('parseDetectorContract', () => {
	test('reads what export.py writes', () => {
		const c = parseDetectorContract(detectorJson());
		expect(c).toMatchObject({ inputName: 'image', height: 384, width: 640, padValue: 114, stride: 4, sizeScale: 16 });
		expect(c.scale).toBeCloseTo(1 / 255, 15);
		expect(c.heatMaxName).toBe('heat_max');
		expect(c.regIndex).toMatchObject({ log_w: 0, off_y: 3, bl_dy: 11 });
	});

	test('a model without heat_max still decodes (the peak test moves into JS)', () => {
		expect(parseDetectorContract(edit(detectorJson(), 'outputs.heat_max')).heatMaxName).toBeNull();
	});

	test.each([
		['outputs.reg.channels', ['log_w', 'log_h'], /lacks off_x/],
		['outputs.heat', undefined, /outputs\.heat is missing/],
		['stride', 7, /not a multiple of the stride 7/],
		['score_threshold', 1.5, /score_threshold/],
		['input.letterbox.pad_value', 300, /pad_value/],
		['input.color', 'BGR', /input\.color must be "RGB"/]
	])('names the bad field %s', (path, value, message) => {
		expect(() => parseDetectorContract(edit(detectorJson(), path, value))).toThrow(message);
	});
});

describe('parseRefinerContract', () => {
	test('reads what export.py writes', () => {
		expect(parseRefinerContract(refinerJson())).toEqual({
			version: 'test',
			bytes: null,
			inputName: 'crop',
			outputName: 'corners',
			height: 64,
			width: 128,
			scale: 0.00392156862745098,
			marginX: 0.25,
			marginY: 0.5,
			passes: 1
		});
		expect(parseRefinerContract({ ...refinerJson(), bytes: 1234, passes: 2 })).toMatchObject({ bytes: 1234, passes: 2 });
	});

	test.each([
		['version', undefined, /version is missing/],
		['input.name', '', /input\.name must be a non-empty string/],
		['input.shape', [-1, 1, 64, 128], /input\.shape must be \[n, 3, H, W\]/],
		['input.shape', [-1, 3, -1, 128], /no fixed H and W/],
		['input.color', 'BGR', /input\.color must be "RGB"/],
		['input.layout', 'NHWC', /input\.layout must be "NCHW"/],
		['input.dtype', 'float16', /input\.dtype must be "float32"/],
		['input.normalize.scale', 0, /input\.normalize\.scale/],
		['input.margin', undefined, /input\.margin\.x is missing/],
		['input.margin.y', -0.1, /input\.margin\.y/],
		['input.margin.x', '0.25', /input\.margin\.x/],
		['outputs.corners', undefined, /outputs\.corners\.shape is missing/],
		['outputs.corners.shape', [-1, 4, 2], /outputs\.corners\.shape must be \[n, 8\]/],
		['passes', 0, /passes/],
		['passes', 3, /passes/],
		['passes', 1.5, /passes/],
		['passes', undefined, /passes is missing/],
		['bytes', -1, /bytes/]
	])('names the bad field %s', (path, value, message) => {
		const json = path === 'bytes' ? { ...refinerJson(), bytes: value } : edit(refinerJson(), path, value);
		expect(() => parseRefinerContract(json)).toThrow(message);
		expect(() => parseRefinerContract(json)).toThrow(ContractError);
	});

	test('refuses what is not an object, and the other models’ contracts', () => {
		expect(() => parseRefinerContract(null)).toThrow(ContractError);
		expect(() => parseRefinerContract(readerJson())).toThrow(ContractError);
		expect(() => parseRefinerContract(detectorJson())).toThrow(ContractError);
	});
});

test('checkModelSize refuses an .onnx from another export', () => {
	const contract = { bytes: 10 };
	expect(() => checkModelSize('reader', contract, new Uint8Array(10))).not.toThrow();
	expect(() => checkModelSize('reader', contract, new Uint8Array(9))).toThrow(/9 bytes .* exported with 10/);
	expect(() => checkModelSize('reader', { bytes: null }, new Uint8Array(9))).not.toThrow();
});

describe.skipIf(!existsSync(join(MODELS_DIR, 'reader.json')))('the exported contracts in models/', () => {
	const parsers = { reader: parseReaderContract, detector: parseDetectorContract, refiner: parseRefinerContract };
	// the refiner is optional: its contract is checked when it is there
	const present = (['reader', 'detector', 'refiner'] as const).filter((name) => name !== 'refiner' || existsSync(join(MODELS_DIR, 'refiner.json')));
	test.each(present)('%s.json parses', (name) => {
		const json: unknown = JSON.parse(readFileSync(join(MODELS_DIR, `${name}.json`), 'utf8'));
		expect(() => parsers[name](json)).not.toThrow();
	});
});
