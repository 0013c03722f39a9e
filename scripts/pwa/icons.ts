/**
 * Draws the PWA's icons (a white "P" parking sign with a plate bar on the brand blue) into
 * `static/icons/`: 192 and 512 px "any" icons with rounded corners, and a 512 px maskable one
 * whose sign stays inside the safe zone (the inner 80 % circle). Run: `node scripts/pwa/icons.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const OUT = join(import.meta.dirname, '../../static/icons');
const BLUE = [0x0b, 0x3d, 0x91];
const WHITE = [0xff, 0xff, 0xff];
const AMBER = [0xf5, 0xa6, 0x23];

function icon(size: number, maskable: boolean): Buffer {
	const png = new PNG({ width: size, height: size });
	// the sign's box, in units of the icon; maskable icons keep it in the central safe zone
	const scale = maskable ? 0.62 : 0.78;
	const s = size * scale;
	const ox = (size - s) / 2;
	const oy = (size - s) / 2;
	const radius = maskable ? 0 : size * 0.18;
	const inP = (u: number, v: number): boolean => {
		// u, v in 0..1 over the sign's box: the stem and the bowl of a "P"
		const stem = u >= 0.18 && u <= 0.38 && v >= 0.08 && v <= 0.78;
		const cx = 0.45;
		const cy = 0.33;
		const d = Math.hypot(u - cx, v - cy);
		const counter = (u >= 0.38 && u <= cx && Math.abs(v - cy) <= 0.11) || (u > cx && d <= 0.11);
		const outer = (u >= 0.3 && u <= cx && v >= 0.08 && v <= 0.58) || (u > cx && d <= 0.25);
		const bowl = outer && !counter;
		return stem || bowl;
	};
	const inBar = (u: number, v: number) => u >= 0.14 && u <= 0.86 && v >= 0.84 && v <= 0.94;
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const i = (y * size + x) * 4;
			// rounded square for "any"; full bleed for maskable
			let alpha = 255;
			if (radius > 0) {
				const dx = Math.max(0, Math.abs(x + 0.5 - size / 2) - (size / 2 - radius));
				const dy = Math.max(0, Math.abs(y + 0.5 - size / 2) - (size / 2 - radius));
				const over = Math.hypot(dx, dy) - radius;
				alpha = over <= -1 ? 255 : over >= 0 ? 0 : Math.round(-over * 255);
			}
			const u = (x + 0.5 - ox) / s;
			const v = (y + 0.5 - oy) / s;
			const colour = inP(u, v) ? WHITE : inBar(u, v) ? AMBER : BLUE;
			png.data[i] = colour[0]!;
			png.data[i + 1] = colour[1]!;
			png.data[i + 2] = colour[2]!;
			png.data[i + 3] = alpha;
		}
	}
	return PNG.sync.write(png, { colorType: 6 });
}

writeFileSync(join(OUT, 'icon-192.png'), icon(192, false));
writeFileSync(join(OUT, 'icon-512.png'), icon(512, false));
writeFileSync(join(OUT, 'maskable-512.png'), icon(512, true));
console.log(`icons written to ${OUT}`);
