/**
 * PNG and JPEG files to RGBA pixels for Node (the CLI, evaluation, the server), with no native
 * build and no download: JPEG with libjpeg-turbo in WebAssembly (`jpeg-turbo.ts`: ~5× faster than
 * jpeg-js, and the decoder OpenCV and so the training data use), falling back to the pure-JS
 * `jpeg-js` for what libjpeg-turbo refuses or warns about (CMYK, damaged or cut-short files: jpeg-js
 * decides those as before); PNG with `pngjs`. The header is checked first, so an oversized image is
 * refused before a decoder allocates anything. Browsers decode with `createImageBitmap` instead and
 * never load this module.
 */
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbaImage } from './geometry.ts';
import { DEFAULT_MAX_PIXELS, ImageError, checkImageSize } from './image-header.ts';
import { decodeJpegTurbo } from './jpeg-turbo.ts';

/**
 * Decodes a PNG or JPEG file to RGBA.
 * @param maxPixels largest width × height accepted (checked from the header, before decoding)
 * @throws ImageError `empty`, `unsupported-format`, `too-large`, `truncated` or `corrupt`
 */
export function decodeImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): RgbaImage {
	const header = checkImageSize(bytes, maxPixels);
	// outside the try: a decoder that can't load is our failure, not a corrupt file
	if (header.format === 'jpeg') {
		const fast = decodeJpegTurbo(bytes);
		if (fast && fast.width === header.width && fast.height === header.height) return fast;
	}
	try {
		if (header.format === 'png') {
			assertInterlacedPngBounded(bytes, header.width, header.height);
			const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
			return { data: png.data, width: png.width, height: png.height };
		}
		const img = jpeg.decode(bytes, {
			useTArray: true,
			formatAsRGBA: true,
			// The header check already bounds the size; these keep jpeg-js's own guards in step.
			maxResolutionInMP: Math.ceil(maxPixels / 1e6),
			maxMemoryUsageInMB: Math.ceil((maxPixels * 4 * 2) / 2 ** 20)
		});
		return { data: img.data, width: img.width, height: img.height };
	} catch (e) {
		if (e instanceof ImageError) throw e;
		const reason = e instanceof Error ? e.message : String(e);
		if (!hasEnd(bytes, header.format)) {
			throw new ImageError('truncated', `the ${header.format.toUpperCase()} file is cut short (${reason})`);
		}
		throw new ImageError('corrupt', `the ${header.format.toUpperCase()} file is damaged (${reason})`);
	}
}

/** Whether the file still has its end marker (JPEG EOI, PNG IEND) near the end. */
function hasEnd(bytes: Uint8Array, format: 'png' | 'jpeg'): boolean {
	// Cameras append a few bytes after the end marker now and then; look at the last 64.
	const tail = bytes.subarray(Math.max(0, bytes.length - 64));
	if (format === 'jpeg') {
		for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
		return false;
	}
	return Buffer.from(tail).includes('IEND');
}

/** Adam7's passes: x start, y start, x step, y step. */
export const ADAM7 = [
	[0, 0, 8, 8],
	[4, 0, 8, 8],
	[0, 4, 4, 8],
	[2, 0, 4, 4],
	[0, 2, 2, 4],
	[1, 0, 2, 2],
	[0, 1, 1, 2]
] as const;
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * A decompression bomb in PNG's clothing: pngjs inflates an interlaced PNG's data with no bound
 * (a plain one it bounds by the size the header declares), so 1 MB of deflated zeros behind a
 * modest header grew the process by 2 GB. An interlaced file's data is inflated here first,
 * bounded by what its header allows, and refused past that.
 * @throws ImageError `corrupt` when the data inflates past what the header declares
 */
function assertInterlacedPngBounded(bytes: Uint8Array, width: number, height: number): void {
	// IHDR's data starts at 16: width, height, bit depth (24), colour type (25), …, interlace (28)
	if (bytes[28] !== 1) return;
	const bitsPerPixel = (CHANNELS[bytes[25]!] ?? 4) * Math.max(1, bytes[24]!);
	let bound = 0;
	for (const [xs, ys, dx, dy] of ADAM7) {
		const w = Math.ceil((width - xs) / dx);
		const h = Math.ceil((height - ys) / dy);
		if (w > 0 && h > 0) bound += h * (1 + Math.ceil((w * bitsPerPixel) / 8));
	}
	const parts: Uint8Array[] = [];
	for (let i = 8; i + 8 <= bytes.length; ) {
		const length = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
		const type = String.fromCharCode(bytes[i + 4]!, bytes[i + 5]!, bytes[i + 6]!, bytes[i + 7]!);
		if (type === 'IDAT') parts.push(bytes.subarray(i + 8, Math.min(bytes.length, i + 8 + length)));
		if (type === 'IEND') break;
		i += 12 + length;
	}
	try {
		inflateSync(Buffer.concat(parts), { maxOutputLength: Math.max(1, bound) });
	} catch (e) {
		if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
			throw new ImageError('corrupt', `the PNG file's data inflates past the ${width}x${height} its header declares`);
		}
		// any other inflate failure is for pngjs to report, as for a plain PNG
	}
}
