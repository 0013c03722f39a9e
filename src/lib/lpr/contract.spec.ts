import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ContractError, checkModelSize, parseDetectorContract, parseReaderContract } from './contract.ts';
import { MODELS_DIR, detectorJson, readerJson } from './test-support.ts';

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

test('checkModelSize refuses an .onnx from another export', () => {
	const contract = { bytes: 10 };
	expect(() => checkModelSize('reader', contract, new Uint8Array(10))).not.toThrow();
	expect(() => checkModelSize('reader', contract, new Uint8Array(9))).toThrow(/9 bytes .* exported with 10/);
	expect(() => checkModelSize('reader', { bytes: null }, new Uint8Array(9))).not.toThrow();
});

describe.skipIf(!existsSync(join(MODELS_DIR, 'reader.json')))('the exported contracts in models/', () => {
	test.each(['reader', 'detector'])('%s.json parses', (name) => {
		const json: unknown = JSON.parse(readFileSync(join(MODELS_DIR, `${name}.json`), 'utf8'));
		expect(() => (name === 'reader' ? parseReaderContract(json) : parseDetectorContract(json))).not.toThrow();
	});
});
