/**
 * Benchmark frames: real val-split scene photos of the shared datasets (cars with plates), scaled
 * to cover 1280×720 and centre-cropped, as raw RGBA. Val split only; nothing is written to the repo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbaImage } from '../../src/lib/lpr/geometry.ts';
import { loadOpenCv, readImageFile } from '../../src/lib/lpr/node.ts';

export const FRAME_W = 1280;
export const FRAME_H = 720;

/** `count` 1280×720 RGBA frames made from the first val scenes of intl-openlpr-scenes. */
export async function benchFrames(data: string, count: number): Promise<RgbaImage[]> {
	const { cv } = await loadOpenCv();
	const folder = join(data, 'intl-openlpr-scenes');
	const rows = readFileSync(join(folder, 'labels.jsonl'), 'utf8')
		.split('\n')
		.filter((l) => l.includes('"split":"val"'))
		.slice(0, count)
		.map((l) => JSON.parse(l) as { image: string });
	const frames: RgbaImage[] = [];
	for (const row of rows) {
		const img = await readImageFile(join(folder, row.image));
		const s = Math.max(FRAME_W / img.width, FRAME_H / img.height);
		const w = Math.max(FRAME_W, Math.round(img.width * s));
		const h = Math.max(FRAME_H, Math.round(img.height * s));
		const src = cv.matFromImageData(img);
		const big = new cv.Mat();
		try {
			cv.resize(src, big, new cv.Size(w, h), 0, 0, cv.INTER_LINEAR);
			const x0 = (w - FRAME_W) >> 1;
			const y0 = (h - FRAME_H) >> 1;
			const data = new Uint8ClampedArray(FRAME_W * FRAME_H * 4);
			for (let y = 0; y < FRAME_H; y++) {
				const from = ((y + y0) * w + x0) * 4;
				data.set(big.data.subarray(from, from + FRAME_W * 4), y * FRAME_W * 4);
			}
			frames.push({ data, width: FRAME_W, height: FRAME_H });
		} finally {
			src.delete();
			big.delete();
		}
	}
	return frames;
}

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
