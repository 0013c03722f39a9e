/**
 * PNG and JPEG files to RGBA pixels for Node (the CLI, evaluation, the server), with no native
 * build and no download: JPEG with libjpeg-turbo in WebAssembly (`jpeg-turbo.ts`: ~5× faster than
 * jpeg-js, and the decoder OpenCV and so the training data use), falling back to the pure-JS
 * `jpeg-js` for what libjpeg-turbo refuses or warns about (CMYK, damaged or cut-short files: jpeg-js
 * decides those as before); PNG with `pngjs`. The header is checked first, so an oversized image is
 * refused before a decoder allocates anything. Browsers decode with `createImageBitmap` instead and
 * never load this module.
 */
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
