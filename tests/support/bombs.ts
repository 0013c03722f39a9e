/**
 * Hostile images for the upload-bomb tests: PNGs whose data inflates to far more than their
 * header declares (made in milliseconds: one flushed deflate block of zeros, repeated), PNGs
 * and JPEGs that declare huge sizes, and a correct interlaced (Adam7) PNG to show the guard lets
 * real files through.
 */
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { ADAM7 } from '../../src/lib/lpr/decode-node.ts';

function chunk(type: string, data: Uint8Array): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
	return Buffer.concat([head, data, crc]);
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(width: number, height: number, interlace: 0 | 1, idat: Uint8Array): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 6; // RGBA
	ihdr[12] = interlace;
	return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())]);
}

/**
 * A zlib stream that inflates to `mb` MiB of zeros: a byte-aligned (fully flushed) raw deflate
 * block of 1 MiB of zeros, repeated. Its checksum is wrong, which a decoder only learns at the end.
 */
export function zlibZeros(mb: number): Buffer {
	const block = deflateRawSync(Buffer.alloc(2 ** 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
	const end = Buffer.from([0x03, 0x00]); // a final, empty fixed-Huffman block
	return Buffer.concat([Buffer.from([0x78, 0xda]), ...Array.from({ length: mb }, () => block), end, Buffer.alloc(4)]);
}

/** A PNG declaring `width × height` whose data inflates to `mb` MiB. */
export function pngBomb(width: number, height: number, mb: number, interlace: 0 | 1): Buffer {
	return png(width, height, interlace, zlibZeros(mb));
}

/** A PNG that is a signature and an IHDR claiming `width × height`, with one empty IDAT. */
export function pngDeclaring(width: number, height: number): Buffer {
	return png(width, height, 0, deflateSync(Buffer.alloc(0)));
}

/** A correct interlaced 8-bit RGBA PNG of `rgba` (filter type 0 on every row of every pass). */
export function interlacedPng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Buffer {
	const rows: number[] = [];
	for (const [xs, ys, dx, dy] of ADAM7) {
		for (let y = ys; y < height; y += dy) {
			if (xs >= width) break;
			rows.push(0);
			for (let x = xs; x < width; x += dx) for (let c = 0; c < 4; c++) rows.push(rgba[(y * width + x) * 4 + c]!);
		}
	}
	return png(width, height, 1, deflateSync(Uint8Array.from(rows)));
}
