import { describe, expect, test } from 'vitest';
import { parseDetectorContract, REG_CHANNELS } from './contract.ts';
import { decodeDetections, maxPool3, nonMaxSuppression, type Detection, type DetectorMaps } from './detect.ts';
import { detectorJson } from './test-support.ts';

const contract = parseDetectorContract(detectorJson());
const GW = 8;
const GH = 6;

interface Plate {
	gx: number;
	gy: number;
	score: number;
	w?: number;
	h?: number;
	off?: [number, number];
	corners?: number[]; // tl_dx, tl_dy, tr_dx, … (fractions of w and h)
}

/** Hand-made detector maps with the given plate centres; channel order as in the contract. */
function maps(plates: Plate[], withHeatMax = true): DetectorMaps {
	const cells = GW * GH;
	const heat = new Float32Array(cells);
	const reg = new Float32Array(12 * cells);
	for (const p of plates) {
		const cell = p.gy * GW + p.gx;
		heat[cell] = p.score;
		const values = [
			Math.log((p.w ?? 16) / 16),
			Math.log((p.h ?? 16) / 16),
			...(p.off ?? [0, 0]),
			...(p.corners ?? [-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5])
		];
		values.forEach((v, c) => (reg[c * cells + cell] = v));
	}
	return { heat, heatMax: withHeatMax ? maxPool3(heat, GW, GH) : null, reg, gridWidth: GW, gridHeight: GH };
}

describe('decodeDetections', () => {
	test('decodes size, offset and corners as the contract spells them', () => {
		const [d, ...rest] = decodeDetections(
			maps([{ gx: 3, gy: 2, score: 0.9, w: 64, h: 16, off: [0.5, 0.25], corners: [-0.5, -0.5, 0.5, -0.4, 0.45, 0.5, -0.5, 0.6] }]),
			contract
		);
		expect(rest).toEqual([]);
		// cx = (3 + 0.5) × 4 = 14, cy = (2 + 0.25) × 4 = 9
		expect(d?.score).toBeCloseTo(0.9, 6);
		expect(d?.box.map((v) => +v.toFixed(4))).toEqual([-18, 1, 64, 16]);
		expect(d?.corners.map(([x, y]) => [+x.toFixed(4), +y.toFixed(4)])).toEqual([
			[-18, 1],
			[46, 2.6],
			[42.8, 17],
			[-18, 18.6]
		]);
	});

	test('a cell below the threshold is no plate; a lower threshold admits it', () => {
		const m = maps([{ gx: 1, gy: 1, score: 0.2 }]);
		expect(decodeDetections(m, contract)).toEqual([]);
		expect(decodeDetections(m, contract, { threshold: 0.1 })).toHaveLength(1);
	});

	test('only 3×3 maxima are centres, best first, at most maxDetections', () => {
		const m = maps([
			{ gx: 2, gy: 2, score: 0.9 },
			{ gx: 3, gy: 2, score: 0.8 }, // neighbour of a better cell: not a peak
			{ gx: 6, gy: 4, score: 0.95 },
			{ gx: 0, gy: 5, score: 0.5 }
		]);
		expect(decodeDetections(m, contract).map((d) => +d.score.toFixed(2))).toEqual([0.95, 0.9, 0.5]);
		expect(decodeDetections(m, contract, { maxDetections: 2 })).toHaveLength(2);
	});

	test('without a heat_max output the peak test is computed the same way', () => {
		const plates = [
			{ gx: 2, gy: 2, score: 0.9 },
			{ gx: 3, gy: 3, score: 0.7 },
			{ gx: 7, gy: 0, score: 0.6 }
		];
		expect(decodeDetections(maps(plates, false), contract)).toEqual(decodeDetections(maps(plates, true), contract));
	});

	test('reads the regression channels by name, whatever their order in the contract', () => {
		const json = detectorJson();
		const reversed = [...REG_CHANNELS].reverse();
		(json.outputs as { reg: { channels: string[] } }).reg.channels = reversed;
		const permuted = parseDetectorContract(json);
		const m = maps([{ gx: 4, gy: 3, score: 0.8, w: 40, h: 10, off: [0.2, 0.7] }]);
		const cells = GW * GH;
		const reg = new Float32Array(m.reg.length);
		REG_CHANNELS.forEach((name, c) => reg.set(m.reg.subarray(c * cells, (c + 1) * cells), reversed.indexOf(name) * cells));
		expect(decodeDetections({ ...m, reg }, permuted)).toEqual(decodeDetections(m, contract));
	});

	test('refuses maps that do not fit the grid', () => {
		const m = maps([]);
		expect(() => decodeDetections({ ...m, heat: new Float32Array(5) }, contract)).toThrow(RangeError);
		expect(() => decodeDetections({ ...m, reg: new Float32Array(11 * GW * GH) }, contract)).toThrow(RangeError);
	});
});

describe('nonMaxSuppression', () => {
	const det = (score: number, x: number): Detection => ({
		score,
		box: [x, 0, 10, 10],
		corners: [
			[x, 0],
			[x + 10, 0],
			[x + 10, 10],
			[x, 10]
		]
	});

	test('a plateau peaks twice; NMS keeps the better of two overlapping boxes', () => {
		const m = maps([
			{ gx: 2, gy: 2, score: 0.9, w: 40 },
			{ gx: 3, gy: 2, score: 0.9, w: 40 }
		]);
		const decoded = decodeDetections(m, contract);
		expect(decoded).toHaveLength(2);
		expect(nonMaxSuppression(decoded)).toHaveLength(1);
	});

	test('keeps boxes that overlap less than the threshold, best first', () => {
		expect(nonMaxSuppression([det(0.5, 0), det(0.9, 20), det(0.7, 3)]).map((d) => d.score)).toEqual([0.9, 0.7]);
		// IoU of x=0 and x=3 boxes is 70/130 ≈ 0.54: kept at a looser threshold.
		expect(nonMaxSuppression([det(0.5, 0), det(0.7, 3)], 0.6)).toHaveLength(2);
	});
});

test('maxPool3 pools the 3×3 neighbourhood inside the map', () => {
	const m = new Float32Array([1, 2, 3, 4, 5, 6]); // 3 × 2
	expect([...maxPool3(m, 3, 2)]).toEqual([5, 6, 6, 5, 6, 6]);
});
