/**
 * Parity with the Python contract (models/plates/contract.py, det_codec.py): the same fixture
 * image through both preprocessing paths must give the same tensors, and both decoders the same
 * plates and text. Needs Debian's /usr/bin/python3 with numpy and cv2, not torch.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseDetectorContract, parseReaderContract, parseRefinerContract } from './contract.ts';
import type { Cv } from './cv.ts';
import { decodeImage } from './decode-node.ts';
import { decodeDetections, type DetectorMaps } from './detect.ts';
import { applyHomography, type Point, type Quad } from './geometry.ts';
import { loadOpenCv } from './node.ts';
import { detectorInput, readerInput, refinerInput } from './preprocess.ts';
import { decodeReading } from './read.ts';
import { MODELS_DIR, PYTHON, detectorJson, encodePng, pythonMissing, readerJson, refinerJson, testPattern } from './test-support.ts';

const PY_PREPROCESS = `
import sys, json, numpy as np, cv2
sys.path.insert(0, sys.argv[1])
from plates import contract as C
img = cv2.cvtColor(cv2.imread(sys.argv[2], cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
canvas, s = C.letterbox(img)
C.det_tensor(canvas).astype(np.float32).tofile(sys.argv[3])
quads = json.loads(sys.argv[5])
np.stack([C.reader_tensor(C.reader_gray(img, np.array(q, np.float32))) for q in quads]).astype(np.float32).tofile(sys.argv[4])
print(json.dumps({"scale": s}))
`;

const PY_DECODE = `
import sys, json, numpy as np
sys.path.insert(0, sys.argv[1])
from plates import contract as C
from plates.det_codec import decode
d = sys.argv[2]
heat = np.fromfile(d + "/heat.f32", np.float32).reshape(96, 160)
reg = np.fromfile(d + "/reg.f32", np.float32).reshape(12, 96, 160)
probs = np.fromfile(d + "/probs.f32", np.float32).reshape(-1, C.READER_STEPS, len(C.VOCAB))
print(json.dumps({"dets": decode(heat, reg), "reads": [C.decode_probs(p) for p in probs]}))
`;

// The corner refiner's crop (contract.refiner_crop / refiner_tensor / refined_quad); prints
// "absent" for a contract.py from before the refiner.
const PY_REFINER = `
import sys, json, numpy as np, cv2
sys.path.insert(0, sys.argv[1])
from plates import contract as C
if not hasattr(C, "refiner_crop"):
    print(json.dumps("absent")); sys.exit(0)
img = cv2.cvtColor(cv2.imread(sys.argv[2], cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
quads = json.loads(sys.argv[4])
outs = np.array(json.loads(sys.argv[5]), np.float32)
crops = [C.refiner_crop(img, np.array(q, np.float32)) for q in quads]
np.stack([C.refiner_tensor(c) for c, _ in crops]).astype(np.float32).tofile(sys.argv[3])
print(json.dumps({
    "regions": [C.refiner_region(np.array(q, np.float32)).tolist() for q in quads],
    "refined": [C.refined_quad(o, M).tolist() for o, (_, M) in zip(outs, crops)],
    "size": [C.REFINER_H, C.REFINER_W], "margin": [C.REFINER_MARGIN_X, C.REFINER_MARGIN_Y]
}))
`;

/** Largest absolute difference; the sizes must match. */
function maxDiff(a: Float32Array, b: Float32Array): number {
	expect(a.length).toBe(b.length);
	let max = 0;
	for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
	return max;
}

/** A float32 file as written by numpy's tofile (copied: a Buffer's offset need not be aligned). */
const readF32 = (path: string): Float32Array => new Float32Array(new Uint8Array(readFileSync(path)).buffer);

describe.skipIf(pythonMissing !== null)(`parity with models/plates/contract.py${pythonMissing ? ` (skipped: needs ${pythonMissing})` : ''}`, () => {
	let dir: string;
	let cv: Cv;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'lpr-parity-'));
		({ cv } = await loadOpenCv());
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	test.each([
		{ width: 1280, height: 720 }, // the camera frame: shrunk by exactly ½
		{ width: 333, height: 517 } // odd sizes: enlarged by a non-integer factor, height-bound
	])('letterbox and rectified reader tensors match for a $width×$height fixture', ({ width, height }) => {
		const png = join(dir, `fixture-${width}.png`);
		writeFileSync(png, encodePng(testPattern(width, height)));
		const quads: Quad[] = [
			[
				[width * 0.3, height * 0.42],
				[width * 0.7, height * 0.38],
				[width * 0.69, height * 0.6],
				[width * 0.31, height * 0.62]
			],
			[
				[0, 0],
				[width, 0],
				[width, height],
				[0, height]
			]
		];
		const out = execFileSync(PYTHON, ['-c', PY_PREPROCESS, MODELS_DIR, png, join(dir, 'det.f32'), join(dir, 'rdr.f32'), JSON.stringify(quads)], {
			encoding: 'utf8'
		});
		const pyDet = readF32(join(dir, 'det.f32'));
		const pyRdr = readF32(join(dir, 'rdr.f32'));

		const frame = cv.matFromImageData(decodeImage(readFileSync(png)));
		try {
			const det = detectorInput(cv, frame, parseDetectorContract(detectorJson()));
			expect(det.letterbox.scale).toBeCloseTo((JSON.parse(out) as { scale: number }).scale, 12);
			// Both sides run OpenCV's bit-exact 8-bit resize and warp (4.12 in JS, Debian's 4.6 in
			// Python): the tensors are identical, so any difference is a change in the recipe.
			expect(maxDiff(det.tensor, pyDet)).toBe(0);
			expect(maxDiff(readerInput(cv, frame, quads, parseReaderContract(readerJson())), pyRdr)).toBe(0);
		} finally {
			frame.delete();
		}
	});

	test('the corner refiner’s crops and its corners back in the frame match contract.refiner_crop / refined_quad', (ctx) => {
		const png = join(dir, 'fixture-refiner.png');
		writeFileSync(png, encodePng(testPattern(1280, 720)));
		const quads: Quad[] = [
			[[384, 302], [896, 274], [883, 432], [397, 446]], // a tilted plate
			[[20, 10], [300, 30], [290, 120], [10, 100]], // its crop reaches out of the frame
			[[500.25, 400.5], [700.75, 400.5], [700.75, 460.125], [500.25, 460.125]] // fractional
		];
		const outs = [
			[0.2, 0.25, 0.8, 0.26, 0.79, 0.74, 0.21, 0.75],
			[0, 0, 1, 0, 1, 1, 0, 1],
			[0.1667, 0.25, 0.8333, 0.25, 0.8333, 0.75, 0.1667, 0.75]
		];
		const out = JSON.parse(execFileSync(PYTHON, ['-c', PY_REFINER, MODELS_DIR, png, join(dir, 'ref.f32'), JSON.stringify(quads), JSON.stringify(outs)], { encoding: 'utf8' })) as
			| 'absent'
			| { regions: number[][][]; refined: number[][][]; size: number[]; margin: number[] };
		if (out === 'absent') return ctx.skip('models/plates/contract.py has no refiner_crop yet');
		const contract = parseRefinerContract(refinerJson());
		// the fixture contract is the shipped one's shape; a retrained refiner with another crop changes both
		expect([contract.height, contract.width, contract.marginX, contract.marginY]).toEqual([...out.size, ...out.margin]);
		const frame = cv.matFromImageData(decodeImage(readFileSync(png)));
		try {
			const ts = refinerInput(cv, frame, quads, contract);
			ts.regions.forEach((r, k) => r.flat().forEach((v, j) => expect(v).toBeCloseTo(out.regions[k]!.flat()[j]!, 3)));
			// the same 8-bit warp on both sides, and x × (1/255) in float64 rounds to float32 x / 255 for every byte
			expect(maxDiff(ts.tensor, readF32(join(dir, 'ref.f32')))).toBe(0);
			outs.forEach((o, k) => {
				for (let j = 0; j < 4; j++) {
					const [x, y] = applyHomography(ts.toFrame[k]!, [o[2 * j]!, o[2 * j + 1]!] as Point);
					expect(x).toBeCloseTo(out.refined[k]![j]![0]!, 2);
					expect(y).toBeCloseTo(out.refined[k]![j]![1]!, 2);
				}
			});
		} finally {
			frame.delete();
		}
	});

	test('detector and reader decoding give the same plates and text as det_codec / decode_probs', () => {
		// Random maps with planted peaks; Python's decode does its own 3×3 peak test, so the TS
		// side computes it too (no heat_max given).
		let seed = 7;
		const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const gw = 160;
		const gh = 96;
		const heat = new Float32Array(gw * gh).map(() => rand() * 0.2);
		for (const [x, y, v] of [[10, 10, 0.9], [11, 10, 0.5], [80, 40, 0.7], [150, 90, 0.35], [3, 93, 0.95]] as const) heat[y * gw + x] = v;
		const reg = new Float32Array(12 * gw * gh).map(() => rand() - 0.5);
		const probs = new Float32Array(3 * 80 * 37).map(() => rand());
		writeFileSync(join(dir, 'heat.f32'), heat);
		writeFileSync(join(dir, 'reg.f32'), reg);
		writeFileSync(join(dir, 'probs.f32'), probs);
		const py = JSON.parse(execFileSync(PYTHON, ['-c', PY_DECODE, MODELS_DIR, dir], { encoding: 'utf8' })) as {
			dets: { score: number; box: number[]; corners: number[][] }[];
			reads: [string, number[]][];
		};
		const maps: DetectorMaps = { heat, reg, gridWidth: gw, gridHeight: gh };
		const ts = decodeDetections(maps, parseDetectorContract(detectorJson()));
		expect(ts.length).toBe(py.dets.length);
		ts.forEach((d, i) => {
			const p = py.dets[i];
			expect(d.score).toBeCloseTo(p?.score ?? NaN, 6);
			d.box.forEach((v, j) => expect(v).toBeCloseTo(p?.box[j] ?? NaN, 3));
			d.corners.flat().forEach((v, j) => expect(v).toBeCloseTo(p?.corners.flat()[j] ?? NaN, 3));
		});
		const rc = parseReaderContract(readerJson());
		py.reads.forEach(([text, conf], i) => {
			const r = decodeReading(probs, i, rc);
			expect(r.text).toBe(text);
			r.chars.forEach((c, j) => expect(c.confidence).toBeCloseTo(Math.min(1, conf[j] ?? NaN), 6));
		});
	});
});
