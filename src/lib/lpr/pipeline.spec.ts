import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseDetectorContract, parseReaderContract, parseRefinerContract } from './contract.ts';
import type { Cv } from './cv.ts';
import type { Quad } from './geometry.ts';
import { createNodePlateReader, loadOpenCv, readImageFile } from './node.ts';
import { createPlateReader, plausibleRefinement, type PlateReader } from './pipeline.ts';
import { readerInput } from './preprocess.ts';
import { DATA_DIR, detectorJson, fakeRuntime, haveData, haveModels, readerJson, refinerJson, testPattern, type FakeRefiner } from './test-support.ts';

const det = parseDetectorContract(detectorJson());
const rdr = parseReaderContract(readerJson());
const ref = parseRefinerContract(refinerJson());

const model = new Uint8Array(0);
/** Rounded to 1/1000 px: the hand-made log sizes went through float32. */
const px = (values: readonly number[]): number[] => values.map((v) => Math.round(v * 1000) / 1000);

describe('createPlateReader (hand-made model outputs, real OpenCV)', () => {
	let cv: Cv;
	const frame = testPattern(1280, 720);
	beforeAll(async () => ({ cv } = await loadOpenCv()));
	const make = async (rt: ReturnType<typeof fakeRuntime>): Promise<PlateReader> =>
		createPlateReader({ cv, createSession: rt.createSession, detector: { model, contract: det }, reader: { model, contract: rdr } });

	test('maps boxes and corners back to frame pixels and reads each plate', async () => {
		const rt = fakeRuntime([{ gx: 50, gy: 40, score: 0.8, text: 'KA01AB1234' }]);
		const lpr = await make(rt);
		const [plate, ...rest] = await lpr.readFrame(frame, { country: 'in' });
		expect(rest).toEqual([]);
		// Centre (200, 160) in detector pixels, 64 × 16 → ×2 in the 1280×720 frame.
		expect(plate).toMatchObject({ text: 'KA01AB1234', valid: true, country: 'in' });
		expect(px(plate?.box ?? [])).toEqual([336, 304, 128, 32]);
		expect(plate?.corners.map(px)).toEqual([[336, 304], [464, 304], [464, 336], [336, 336]]);
		expect(plate?.detectorScore).toBeCloseTo(0.8, 6);
		expect(plate?.confidence).toBeCloseTo(0.9, 6);
		expect(rt.calls).toEqual([
			{ model: 'detector', dims: [1, 3, 384, 640] },
			{ model: 'reader', dims: [1, 1, 64, 160] }
		]);
		expect(lpr.refinerVersion).toBeNull();
	});

	test('a frame without a plate gives an empty list, and the reader does not run', async () => {
		const rt = fakeRuntime([{ gx: 50, gy: 40, score: 0.1, text: 'KA01AB1234' }]);
		const lpr = await make(rt);
		expect(await lpr.readFrame(frame)).toEqual([]);
		expect(rt.calls.map((c) => c.model)).toEqual(['detector']);
	});

	test('a box the reader finds no character in is not reported', async () => {
		expect(await (await make(fakeRuntime([{ gx: 50, gy: 40, score: 0.8, text: '' }]))).readFrame(frame)).toEqual([]);
	});

	test('plates come best first and are read in one batch', async () => {
		const rt = fakeRuntime([
			{ gx: 20, gy: 20, score: 0.5, text: 'MH12XY9876' },
			{ gx: 100, gy: 60, score: 0.9, text: 'KA01AB1234' }
		]);
		const plates = await (await make(rt)).readFrame(frame);
		expect(plates.map((p) => p.text)).toEqual(['KA01AB1234', 'MH12XY9876']);
		expect(rt.calls[1]?.dims).toEqual([2, 1, 64, 160]);
	});

	test('detect() gives the detections alone, in frame pixels', async () => {
		const dets = await (await make(fakeRuntime([{ gx: 50, gy: 40, score: 0.8, text: '' }]))).detect(frame);
		expect(dets.map((d) => px(d.box))).toEqual([[336, 304, 128, 32]]);
	});

	test('readPlates reads the whole image as one plate when no quads are given', async () => {
		const rt = fakeRuntime([{ gx: 0, gy: 0, score: 0.9, text: 'ABC1234' }]);
		const lpr = await make(rt);
		expect((await lpr.readPlates(testPattern(200, 60), undefined, 'br')).map((r) => [r.text, r.country])).toEqual([['ABC1234', 'br']]);
		expect(rt.calls.map((c) => c.model)).toEqual(['reader']);
	});

	test('calls are queued: a session never runs two inferences at once', async () => {
		const rt = fakeRuntime([{ gx: 50, gy: 40, score: 0.8, text: 'KA01AB1234' }]);
		const lpr = await make(rt);
		await Promise.all([lpr.readFrame(frame), lpr.readFrame(frame), lpr.detect(frame)]);
		expect(rt.overlapped()).toBe(false);
		expect(rt.calls).toHaveLength(5);
	});

	test('a malformed image is refused and the reader goes on working', async () => {
		const lpr = await make(fakeRuntime([{ gx: 50, gy: 40, score: 0.8, text: 'KA01AB1234' }]));
		await expect(lpr.readFrame({ data: new Uint8ClampedArray(10), width: 4, height: 4 })).rejects.toThrow(RangeError);
		await expect(lpr.readFrame({ data: new Uint8ClampedArray(0), width: 0, height: 0 })).rejects.toThrow(RangeError);
		expect(await lpr.readFrame(frame)).toHaveLength(1);
	});

	test.each([
		['detector', { det: ['heat', 'reg'], rdr: ['probs'] }, /the detector model does not match its contract: no output heat_max/],
		['reader', { det: ['heat', 'heat_max', 'reg'], rdr: ['logits'] }, /the reader model does not match its contract: no output probs/]
	])('a %s that does not match its contract is refused at load, both sessions released', async (_, names, message) => {
		const rt = fakeRuntime([], names);
		await expect(make(rt)).rejects.toThrow(message);
		expect(rt.released()).toBe(2);
	});

	test('after dispose, calls are refused', async () => {
		const rt = fakeRuntime([]);
		const lpr = await make(rt);
		await lpr.dispose();
		await lpr.dispose(); // twice is harmless
		expect(rt.released()).toBe(2);
		await expect(lpr.readFrame(frame)).rejects.toThrow(/disposed/);
	});
});

describe('createPlateReader with a corner refiner (hand-made outputs, real OpenCV)', () => {
	let cv: Cv;
	const frame = testPattern(1280, 720);
	beforeAll(async () => ({ cv } = await loadOpenCv()));
	const make = async (refiner: FakeRefiner, plates = [{ gx: 50, gy: 40, score: 0.8, text: 'KA01AB1234' }], contract = ref) => {
		const rt = fakeRuntime(plates, undefined, refiner);
		const lpr = await createPlateReader({ cv, createSession: rt.createSession, detector: { model, contract: det }, reader: { model, contract: rdr }, refiner: { model, contract } });
		return { rt, lpr };
	};
	// The detector's plate is (336, 304)–(464, 336) in the frame (128 × 32), so the refiner's crop
	// is (304, 288)–(496, 352): crop units (u, v) are frame (304 + 192·u, 288 + 64·v).
	const detected: Quad = [[336, 304], [464, 304], [464, 336], [336, 336]];
	const same = (n: number, corners: number[]): number[] => Array.from({ length: n }, () => corners).flat();
	const inner = [0.25, 0.25, 0.75, 0.25, 0.75, 0.75, 0.25, 0.75];

	test('readFrame reads each plate in its refined corners, and reports them', async () => {
		const { rt, lpr } = await make({ corners: (n) => same(n, inner) });
		expect(lpr.refinerVersion).toBe('test');
		const [plate] = await lpr.readFrame(frame, { country: 'in' });
		const refined: Quad = [[352, 304], [448, 304], [448, 336], [352, 336]];
		expect(plate?.corners.map(px)).toEqual(refined);
		expect(plate).toMatchObject({ text: 'KA01AB1234' });
		expect(px(plate?.box ?? [])).toEqual([352, 304, 96, 32]); // the box around the refined corners
		expect(rt.calls).toEqual([
			{ model: 'detector', dims: [1, 3, 384, 640] },
			{ model: 'refiner', dims: [1, 3, 64, 128] },
			{ model: 'reader', dims: [1, 1, 64, 160] }
		]);
		// the reader's input is the plate rectified from the refined corners, not the detector's
		const image = cv.matFromImageData(frame);
		try {
			const expected = readerInput(cv, image, [plate!.corners], rdr);
			expect(rt.inputs.find((i) => i.model === 'reader')?.data).toEqual(expected);
			expect(readerInput(cv, image, [detected], rdr)).not.toEqual(expected);
		} finally {
			image.delete();
		}
	});

	test('all plates of a frame go through the refiner in one batch', async () => {
		const { rt, lpr } = await make({ corners: (n) => same(n, inner) }, [
			{ gx: 20, gy: 20, score: 0.5, text: 'MH12XY9876' },
			{ gx: 100, gy: 60, score: 0.9, text: 'KA01AB1234' }
		]);
		expect((await lpr.readFrame(frame)).map((p) => p.text)).toEqual(['KA01AB1234', 'MH12XY9876']);
		expect(rt.calls.filter((c) => c.model === 'refiner').map((c) => c.dims)).toEqual([[2, 3, 64, 128]]);
	});

	test.each([
		['crossed (a bow-tie)', [0.25, 0.25, 0.75, 0.25, 0.25, 0.75, 0.75, 0.75]],
		['mirrored (TL and TR swapped)', [0.75, 0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75]],
		['3× the detector’s area (the whole crop)', [0, 0, 1, 0, 1, 1, 0, 1]],
		['collapsed to a sliver', [0.45, 0.45, 0.55, 0.45, 0.55, 0.55, 0.45, 0.55]],
		['not a number', [Number.NaN, 0.25, 0.75, 0.25, 0.75, 0.75, 0.25, 0.75]]
	])('a refined quad that is %s falls back to the detector’s corners', async (_, corners) => {
		const { lpr } = await make({ corners: (n) => same(n, corners) });
		const [plate] = await lpr.readFrame(frame);
		expect(plate?.corners.map(px)).toEqual(detected);
	});

	test('the guard is per plate: one plate’s bad answer leaves the other’s refinement', async () => {
		const { lpr } = await make({ corners: () => [...inner, 0, 0, 1, 0, 1, 1, 0, 1] }, [
			{ gx: 50, gy: 40, score: 0.9, text: 'KA01AB1234' },
			{ gx: 120, gy: 70, score: 0.6, text: 'MH12XY9876' }
		]);
		const plates = await lpr.readFrame(frame);
		expect(plates[0]?.corners.map(px)).toEqual([[352, 304], [448, 304], [448, 336], [352, 336]]);
		expect(px(plates[0]?.box ?? [])).toEqual([352, 304, 96, 32]);
		expect(plates[1]?.corners.map(px)).toEqual([[896, 544], [1024, 544], [1024, 576], [896, 576]]); // the detector's
		expect(px(plates[1]?.box ?? [])).toEqual([896, 544, 128, 32]); // and its box
	});

	test('with passes: 2 the second pass crops around the first pass’s quad', async () => {
		const { rt, lpr } = await make({ corners: (n) => same(n, inner) }, undefined, { ...ref, passes: 2 });
		const [plate] = await lpr.readFrame(frame);
		// pass 1: (352, 304)–(448, 336); its crop (328, 288)–(472, 352), 144 × 64 → 364 … 436
		expect(plate?.corners.map(px)).toEqual([[364, 304], [436, 304], [436, 336], [364, 336]]);
		expect(rt.calls.map((c) => c.model)).toEqual(['detector', 'refiner', 'refiner', 'reader']);
	});

	test('tracked plates are refined in the new frame; detect() refines only when asked, readPlates() never', async () => {
		const { rt, lpr } = await make({ corners: (n) => same(n, inner) });
		const [tracked] = await lpr.readFound(frame, [{ box: [336, 304, 128, 32], corners: detected, detectorScore: 0.8 }]);
		expect(tracked?.corners.map(px)).toEqual([[352, 304], [448, 304], [448, 336], [352, 336]]);
		expect(px(tracked?.box ?? [])).toEqual([352, 304, 96, 32]);
		expect(tracked?.detectorScore).toBe(0.8);
		expect(rt.calls.map((c) => c.model)).toEqual(['refiner', 'reader']);
		rt.calls.length = 0;
		const [found] = await lpr.detect(frame);
		expect(found?.corners.map(px)).toEqual(detected);
		expect(px(found?.box ?? [])).toEqual([336, 304, 128, 32]);
		await lpr.readPlates(testPattern(200, 60));
		await lpr.readPlates(frame, [detected]);
		expect(rt.calls.map((c) => c.model)).toEqual(['detector', 'reader', 'reader']);
		rt.calls.length = 0;
		const [located] = await lpr.detect(frame, { refine: true });
		expect(located?.score).toBeCloseTo(0.8, 5);
		expect(located?.corners.map(px)).toEqual([[352, 304], [448, 304], [448, 336], [352, 336]]);
		expect(px(located?.box ?? [])).toEqual([352, 304, 96, 32]);
		expect(rt.calls.map((c) => c.model)).toEqual(['detector', 'refiner']);
	});

	test('a frame without a plate runs no refiner', async () => {
		const { rt, lpr } = await make({ corners: (n) => same(n, inner) }, [{ gx: 50, gy: 40, score: 0.1, text: 'X' }]);
		expect(await lpr.readFrame(frame)).toEqual([]);
		expect(rt.calls.map((c) => c.model)).toEqual(['detector']);
	});

	test('a refiner answer of the wrong size is an error, not a guess', async () => {
		const { lpr } = await make({ corners: () => inner.slice(0, 6) });
		await expect(lpr.readFrame(frame)).rejects.toThrow(/the refiner gave 6 values for 1 plates/);
	});

	test('a refiner that does not match its contract is refused at load, all three sessions released', async () => {
		const rt = fakeRuntime([], undefined, { corners: () => [], outputs: ['quad'] });
		await expect(
			createPlateReader({ cv, createSession: rt.createSession, detector: { model, contract: det }, reader: { model, contract: rdr }, refiner: { model, contract: ref } })
		).rejects.toThrow(/the refiner model does not match its contract: no output corners/);
		expect(rt.released()).toBe(3);
	});

	test('dispose releases the refiner too', async () => {
		const { rt, lpr } = await make({ corners: () => [] });
		await lpr.dispose();
		expect(rt.released()).toBe(3);
	});
});

describe('plausibleRefinement', () => {
	const given: Quad = [[0, 0], [100, 0], [100, 30], [0, 30]];
	test.each<[string, Quad, boolean]>([
		['a few pixels off', [[3, -2], [97, 1], [101, 33], [-1, 29]], true],
		['2.5× the area', [[0, 0], [250, 0], [250, 30], [0, 30]], true],
		['2.6× the area', [[0, 0], [260, 0], [260, 30], [0, 30]], false],
		['a 2.5th of the area', [[0, 0], [40, 0], [40, 30], [0, 30]], true],
		['under a 2.5th', [[0, 0], [39, 0], [39, 30], [0, 30]], false],
		['crossed', [[0, 0], [100, 0], [0, 30], [100, 30]], false],
		['the other way round', [[0, 0], [0, 30], [100, 30], [100, 0]], false],
		['not a number', [[0, 0], [100, 0], [100, Number.NaN], [0, 30]], false]
	])('%s: %s', (_, refined, ok) => expect(plausibleRefinement(given, refined)).toBe(ok));
});

describe.skipIf(!haveModels || !haveData)(
	`with the exported models in models/${!haveModels ? ' (skipped: no models/*.onnx yet)' : !haveData ? ` (skipped: no datasets at ${DATA_DIR})` : ''}`,
	() => {
		let lpr: PlateReader;
		beforeAll(async () => {
			lpr = await createNodePlateReader();
		});

		test('reads a real crop of the val split', async () => {
			const folder = join(DATA_DIR, 'br-openalpr-crops');
			const row = readFileSync(join(folder, 'labels.jsonl'), 'utf8')
				.split('\n')
				.map((l) => (l ? (JSON.parse(l) as { image: string; split: string }) : null))
				.find((r) => r?.split === 'val');
			expect(row).toBeDefined();
			const [reading, ...rest] = await lpr.readPlates(await readImageFile(join(folder, row?.image ?? '')), undefined, 'br');
			expect(rest).toEqual([]);
			// Accuracy is eval:lpr's business; here the shape of a real read is checked.
			expect(reading?.raw).toMatch(/^[0-9A-Z]{0,12}$/);
			expect(reading?.confidence).toBeGreaterThanOrEqual(0);
			expect(reading?.confidence).toBeLessThanOrEqual(1);
			expect(reading?.charConfidences).toHaveLength(reading?.text.length ?? -1);
		});

		test('finds plates in a real scene of the val split, inside the frame, best first', async () => {
			const folder = join(DATA_DIR, 'intl-openlpr-scenes');
			const rows = readFileSync(join(folder, 'labels.jsonl'), 'utf8')
				.split('\n')
				.filter((l) => l.includes('"split":"val"'))
				.slice(0, 5)
				.map((l) => JSON.parse(l) as { image: string });
			for (const row of rows) {
				const image = await readImageFile(join(folder, row.image));
				const plates = await lpr.readFrame(image);
				for (const p of plates) {
					expect(p.box[0]).toBeGreaterThanOrEqual(0);
					expect(p.box[0] + p.box[2]).toBeLessThanOrEqual(image.width + 1e-9);
					expect(p.text).toMatch(/^[0-9A-Z]{1,12}$/);
				}
				const ranks = plates.map((p) => p.detectorScore * p.confidence);
				expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
			}
		});

		test.each([
			['a uniform grey frame', 128],
			['a noise frame', -1]
		])('%s has no plate: an empty list, not a guess', async (_, value) => {
			let seed = 1;
			const data = new Uint8ClampedArray(1280 * 720 * 4).map((_, i) =>
				i % 4 === 3 ? 255 : value >= 0 ? value : (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23
			);
			expect(await lpr.readFrame({ data, width: 1280, height: 720 })).toEqual([]);
		});
	}
);
