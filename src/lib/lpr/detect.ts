/**
 * Decoding the CenterNet-style detector output (`models/plates/det_codec.py`'s `decode`, as the
 * contract's `decode` lines spell it) and a greedy non-maximum suppression on top of its peak test.
 */
import type { DetectorContract } from './contract.ts';
import { iou, type Box, type Quad } from './geometry.ts';

/** One plate found by the detector, in detector-input pixels until mapped to the frame. */
export interface Detection {
	readonly score: number;
	readonly box: Box;
	/** TL, TR, BR, BL. */
	readonly corners: Quad;
}

/** The detector's raw output maps, each row-major over a gridHeight × gridWidth grid. */
export interface DetectorMaps {
	/** Plate-centre probability per cell (sigmoid already applied). */
	readonly heat: Float32Array;
	/** 3×3 max-pool of `heat`; computed here when the model does not export it. */
	readonly heatMax?: Float32Array | null;
	/** The regression channels, channel-major (C × gridHeight × gridWidth). */
	readonly reg: Float32Array;
	readonly gridWidth: number;
	readonly gridHeight: number;
}

/** Options for {@link decodeDetections}. */
export interface DecodeOptions {
	/** Lowest heat accepted as a plate centre (default: the contract's). */
	readonly threshold?: number;
	/** Most detections kept, best first (default: the contract's). */
	readonly maxDetections?: number;
}

/**
 * Plate detections from the detector maps: every cell that is its 3×3 neighbourhood's maximum
 * and at least `threshold`, best first; boxes and corners in detector-input pixels.
 * @throws RangeError when the map sizes do not match the grid and the contract's channels
 */
export function decodeDetections(maps: DetectorMaps, contract: DetectorContract, options: DecodeOptions = {}): Detection[] {
	const { gridWidth: gw, gridHeight: gh, heat, reg } = maps;
	const cells = gw * gh;
	const channels = Object.keys(contract.regIndex).length;
	if (heat.length !== cells || reg.length < channels * cells || (maps.heatMax && maps.heatMax.length !== cells)) {
		throw new RangeError(`detector maps do not match a ${gw}x${gh} grid with ${channels} regression channels`);
	}
	const threshold = options.threshold ?? contract.scoreThreshold;
	const heatMax = maps.heatMax ?? maxPool3(heat, gw, gh);
	const peaks: number[] = [];
	for (let i = 0; i < cells; i++) {
		const v = heat[i] as number;
		// Exact equality is right: max-pooling copies the winning value bit for bit.
		if (v >= threshold && v === heatMax[i]) peaks.push(i);
	}
	peaks.sort((a, b) => (heat[b] as number) - (heat[a] as number));
	const ri = contract.regIndex;
	const at = (channel: number, cell: number): number => reg[channel * cells + cell] as number;
	return peaks.slice(0, options.maxDetections ?? contract.maxDetections).map((cell) => {
		const gx = cell % gw;
		const gy = (cell - gx) / gw;
		const w = Math.exp(at(ri.log_w, cell)) * contract.sizeScale;
		const h = Math.exp(at(ri.log_h, cell)) * contract.sizeScale;
		const cx = (gx + at(ri.off_x, cell)) * contract.stride;
		const cy = (gy + at(ri.off_y, cell)) * contract.stride;
		const corner = (dx: number, dy: number): [number, number] => [cx + at(dx, cell) * w, cy + at(dy, cell) * h];
		return {
			score: heat[cell] as number,
			box: [cx - w / 2, cy - h / 2, w, h],
			corners: [corner(ri.tl_dx, ri.tl_dy), corner(ri.tr_dx, ri.tr_dy), corner(ri.br_dx, ri.br_dy), corner(ri.bl_dx, ri.bl_dy)]
		};
	});
}

/**
 * Greedy non-maximum suppression: keeps the best detection and drops any later one whose box
 * overlaps a kept one by more than `iouThreshold`. The heat-map peak test already keeps one
 * centre per 3×3 cells; a large plate can still peak twice a few cells apart, which this removes.
 * @returns the kept detections, best first
 */
export function nonMaxSuppression(detections: readonly Detection[], iouThreshold = 0.5): Detection[] {
	const kept: Detection[] = [];
	for (const d of [...detections].sort((a, b) => b.score - a.score)) {
		if (kept.every((k) => iou(k.box, d.box) <= iouThreshold)) kept.push(d);
	}
	return kept;
}

/** 3×3 max-pool with stride 1 and no padding contribution (like torch's max_pool2d(3, 1, 1)). */
export function maxPool3(map: Float32Array, width: number, height: number): Float32Array {
	const out = new Float32Array(map.length);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let m = Number.NEGATIVE_INFINITY;
			for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
				for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
					m = Math.max(m, map[yy * width + xx] as number);
				}
			}
			out[y * width + x] = m;
		}
	}
	return out;
}
