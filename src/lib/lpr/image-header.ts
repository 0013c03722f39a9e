/**
 * Image size from the first bytes of a PNG or JPEG file, read before any decoder runs: a
 * 20,000 × 20,000 image (1.6 GB as RGBA) must be refused from its header, not discovered by
 * running out of memory half-way through decoding it.
 */

export type ImageFormat = 'png' | 'jpeg';

/** Why an image file cannot be used. */
export type ImageErrorKind = 'empty' | 'unsupported-format' | 'truncated' | 'corrupt' | 'too-large';

/** An image file refused or failed to decode; `kind` says why, the message says it to a person. */
export class ImageError extends Error {
	override name = 'ImageError';
	readonly kind: ImageErrorKind;
	constructor(kind: ImageErrorKind, message: string) {
		super(message);
		this.kind = kind;
	}
}

/** Size and format read from a file header. */
export interface ImageHeader {
	readonly format: ImageFormat;
	readonly width: number;
	readonly height: number;
}

/** Default pixel limit: 40 MP, above an 8K frame or a 36 MP photo; 160 MB as RGBA. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads the format and size of a PNG or JPEG from its header.
 * @throws ImageError `empty`, `unsupported-format`, `truncated` (header cut short) or `corrupt`
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
	if (bytes.length === 0) throw new ImageError('empty', 'the file is empty');
	if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return pngHeader(bytes);
	if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegHeader(bytes);
	if (bytes.length < PNG_SIGNATURE.length && PNG_SIGNATURE.slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
		throw new ImageError('truncated', 'the PNG file ends inside its signature');
	}
	throw new ImageError('unsupported-format', 'not a PNG or JPEG file');
}

/**
 * Reads the header and refuses an image larger than `maxPixels` before it is decoded.
 * @throws ImageError as {@link readImageHeader}, or `too-large`
 */
export function checkImageSize(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): ImageHeader {
	const header = readImageHeader(bytes);
	if (header.width * header.height > maxPixels) {
		throw new ImageError(
			'too-large',
			`the image is ${header.width}x${header.height} (${Math.round((header.width * header.height) / 1e6)} MP), above the ${Math.round(maxPixels / 1e6)} MP limit`
		);
	}
	return header;
}

function u16(b: Uint8Array, i: number): number {
	return ((b[i] as number) << 8) | (b[i + 1] as number);
}

function u32(b: Uint8Array, i: number): number {
	return u16(b, i) * 0x10000 + u16(b, i + 2);
}

function pngHeader(b: Uint8Array): ImageHeader {
	// Signature (8), then the first chunk must be IHDR: length (4), type (4), width (4), height (4).
	if (b.length < 24) throw new ImageError('truncated', 'the PNG file ends before its IHDR header');
	if (String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') {
		throw new ImageError('corrupt', 'the PNG file does not start with an IHDR chunk');
	}
	return positive('png', u32(b, 16), u32(b, 20));
}

function jpegHeader(b: Uint8Array): ImageHeader {
	let i = 2;
	while (i < b.length) {
		if (b[i] !== 0xff) throw new ImageError('corrupt', `the JPEG file has no marker at byte ${i}`);
		const marker = b[i + 1];
		if (marker === undefined) break;
		if (marker === 0xff) {
			i++; // fill byte before a marker
			continue;
		}
		// Markers without a length: TEM, RST0–7 (and SOI again, which a sane file lacks).
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
			i += 2;
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) {
			throw new ImageError('corrupt', 'the JPEG file has no frame header before its image data');
		}
		if (i + 4 > b.length) break;
		const length = u16(b, i + 2);
		if (length < 2) throw new ImageError('corrupt', `the JPEG segment at byte ${i} has length ${length}`);
		// SOF0–15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			if (i + 9 > b.length) break;
			return positive('jpeg', u16(b, i + 7), u16(b, i + 5));
		}
		i += 2 + length;
	}
	throw new ImageError('truncated', 'the JPEG file ends before its frame header');
}

function positive(format: ImageFormat, width: number, height: number): ImageHeader {
	if (width === 0 || height === 0) throw new ImageError('corrupt', `the ${format} header gives a size of ${width}x${height}`);
	return { format, width, height };
}
