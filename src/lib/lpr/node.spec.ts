import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ContractError } from './contract.ts';
import { loadModels } from './node.ts';
import { MODELS_DIR, haveModels, refinerJson } from './test-support.ts';

describe.skipIf(!haveModels)(`loadModels and the optional refiner${haveModels ? '' : ' (skipped: no models/*.onnx yet)'}`, () => {
	const dirs: string[] = [];
	afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
	/** A models folder with the shipped detector and reader and the given extra files. */
	function folder(files: Record<string, string | Uint8Array>): string {
		const dir = mkdtempSync(join(tmpdir(), 'lpr-models-'));
		dirs.push(dir);
		for (const f of ['detector.onnx', 'detector.json', 'reader.onnx', 'reader.json']) copyFileSync(join(MODELS_DIR, f), join(dir, f));
		for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
		return dir;
	}
	const refiner = { 'refiner.onnx': new Uint8Array(4), 'refiner.json': JSON.stringify({ ...refinerJson(), bytes: 4 }) };

	test('without refiner files: the two models, no refiner', async () => {
		const models = await loadModels(folder({}));
		expect(Object.keys(models).sort()).toEqual(['detector', 'reader']);
	});

	test('with both refiner files: the refiner too; refiner: false leaves it out', async () => {
		const dir = folder(refiner);
		const models = await loadModels(dir);
		expect(models.refiner?.contract).toMatchObject({ version: 'test', bytes: 4, marginX: 0.25 });
		expect(models.refiner?.model.byteLength).toBe(4);
		expect((await loadModels(dir, { refiner: false })).refiner).toBeUndefined();
	});

	test.each(['refiner.onnx', 'refiner.json'] as const)('only %s: taken as no refiner', async (name) => {
		expect((await loadModels(folder({ [name]: refiner[name] }))).refiner).toBeUndefined();
	});

	test('a refiner that is there must load: a bad contract, Python’s bare Infinity or a size mismatch is an error', async () => {
		await expect(loadModels(folder({ ...refiner, 'refiner.json': JSON.stringify({ ...refinerJson(), passes: 0 }) }))).rejects.toThrow(/passes/);
		const infinity = JSON.stringify({ ...refinerJson(), training: { best_val: 0 } }).replace('"best_val":0', '"best_val": Infinity');
		const error = loadModels(folder({ ...refiner, 'refiner.json': infinity }));
		await expect(error).rejects.toThrow(ContractError);
		await expect(error).rejects.toThrow(/refiner\.json is not JSON/);
		await expect(loadModels(folder({ ...refiner, 'refiner.onnx': new Uint8Array(5) }))).rejects.toThrow(/5 bytes but its contract was exported with 4/);
	});
});
