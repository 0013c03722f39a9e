import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { decodeImage } from './decode-node.ts';
import { ImageError, checkImageSize, readImageHeader } from './image-header.ts';
import { decodeJpegTurbo } from './jpeg-turbo.ts';
import { PYTHON, encodePng, pythonMissing, testPattern } from './test-support.ts';

// Pass-through spies on the decoders, to prove that an oversized image never reaches them.
vi.mock('./jpeg-turbo.ts', async (original) => {
	const mod = (await original()) as typeof import('./jpeg-turbo.ts');
	return { ...mod, decodeJpegTurbo: vi.fn(mod.decodeJpegTurbo) };
});
vi.mock('jpeg-js', async (original) => {
	const mod = (await original()) as { default: typeof jpeg };
	return { default: { ...mod.default, decode: vi.fn(mod.default.decode) } };
});
vi.mock('pngjs', async (original) => {
	const mod = (await original()) as { PNG: typeof PNG };
	class SpiedPNG extends mod.PNG {
		static override sync = { ...mod.PNG.sync, read: vi.fn(mod.PNG.sync.read) };
	}
	return { ...mod, PNG: SpiedPNG };
});

const image = testPattern(64, 32);
const pngBytes = encodePng(image);
const jpegBytes = new Uint8Array(jpeg.encode({ data: Buffer.from(image.data), width: 64, height: 32 }, 90).data);

/** A PNG that is only a signature and an IHDR chunk claiming the given size (no pixels at all). */
function pngHeaderOnly(width: number, height: number): Uint8Array {
	const b = new Uint8Array(33);
	b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
	new DataView(b.buffer).setUint32(16, width);
	new DataView(b.buffer).setUint32(20, height);
	b.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA; CRC left zero: nothing may get far enough to check it
	return b;
}

/** The real JPEG with its frame header (SOF0) patched to claim another size. */
function jpegClaiming(width: number, height: number): Uint8Array {
	const b = new Uint8Array(jpegBytes);
	for (let i = 2; i < b.length; ) {
		const marker = b[i + 1] as number;
		if (marker === 0xc0) {
			new DataView(b.buffer).setUint16(i + 5, height);
			new DataView(b.buffer).setUint16(i + 7, width);
			return b;
		}
		i += 2 + (((b[i + 2] as number) << 8) | (b[i + 3] as number));
	}
	throw new Error('no SOF0 in the encoded JPEG');
}

const kindOf = (fn: () => unknown): string | undefined => {
	try {
		fn();
		return undefined;
	} catch (e) {
		if (e instanceof ImageError) return e.kind;
		throw e;
	}
};

beforeEach(() => vi.clearAllMocks());

describe('readImageHeader', () => {
	test('reads format and size from PNG and JPEG headers', () => {
		expect(readImageHeader(pngBytes)).toEqual({ format: 'png', width: 64, height: 32 });
		expect(readImageHeader(jpegBytes)).toEqual({ format: 'jpeg', width: 64, height: 32 });
		expect(readImageHeader(pngHeaderOnly(20_000, 20_000))).toEqual({ format: 'png', width: 20_000, height: 20_000 });
	});

	test.each([
		['a zero-byte file', new Uint8Array(0), 'empty'],
		['a text file named .jpg', new TextEncoder().encode('this is not a picture\n'), 'unsupported-format'],
		['a GIF', new TextEncoder().encode('GIF89a....'), 'unsupported-format'],
		['a PNG cut inside its signature', pngBytes.subarray(0, 5), 'truncated'],
		['a PNG cut before its size', pngBytes.subarray(0, 20), 'truncated'],
		['a JPEG cut before its frame header', jpegBytes.subarray(0, 12), 'truncated'],
		['a JPEG without a marker after SOI', new Uint8Array([0xff, 0xd8, 0x00, 0x00]), 'corrupt'],
		['a PNG of size 0', pngHeaderOnly(0, 10), 'corrupt']
	])('%s → %s', (_, bytes, kind) => {
		expect(kindOf(() => readImageHeader(bytes))).toBe(kind);
	});
});

describe('decodeImage', () => {
	test('decodes PNG and JPEG to RGBA', () => {
		const png = decodeImage(pngBytes);
		expect([png.width, png.height, png.data.length]).toEqual([64, 32, 64 * 32 * 4]);
		expect([...png.data.subarray(0, 8)]).toEqual([...image.data.subarray(0, 8)]);
		const jpg = decodeImage(jpegBytes);
		expect([jpg.width, jpg.height, jpg.data.length]).toEqual([64, 32, 64 * 32 * 4]);
		// The spies below see real decodes: their silence for oversized images means something.
		expect(PNG.sync.read).toHaveBeenCalledTimes(1);
		// a good JPEG takes libjpeg-turbo alone; jpeg-js is the fallback for what it refuses
		expect(decodeJpegTurbo).toHaveBeenCalledTimes(1);
		expect(jpeg.decode).not.toHaveBeenCalled();
		const js = jpeg.decode(jpegBytes, { useTArray: true, formatAsRGBA: true });
		// two decoders of one file: IDCT and chroma upsampling differ by a few levels at most here
		expect(Math.max(...jpg.data.map((v, i) => Math.abs(v - (js.data[i] as number))))).toBeLessThanOrEqual(8);
	});

	test('a file libjpeg-turbo refuses goes to jpeg-js, which decides as before; libjpeg-turbo keeps working after it', () => {
		const cut = jpegBytes.subarray(0, Math.floor(jpegBytes.length * 0.6));
		expect(decodeJpegTurbo(cut)).toBeNull();
		expect(decodeJpegTurbo(new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 0]))).toBeNull();
		expect(kindOf(() => decodeImage(cut))).toBe('truncated');
		expect(jpeg.decode).toHaveBeenCalledTimes(1);
		expect(decodeJpegTurbo(jpegBytes)).toMatchObject({ width: 64, height: 32 });
	});

	test.skipIf(pythonMissing !== null)('a JPEG decodes to the very pixels OpenCV\'s imread gives (what the models were trained on)', () => {
		const dir = mkdtempSync(join(tmpdir(), 'lpr-decode-'));
		try {
			const file = join(dir, 'frame.jpg');
			// 4:2:0 chroma at quality 80, as cameras send
			writeFileSync(file, jpeg.encode({ data: Buffer.from(testPattern(320, 200).data), width: 320, height: 200 }, 80).data);
			const py = 'import sys, cv2; sys.stdout.buffer.write(cv2.cvtColor(cv2.imread(sys.argv[1], cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).tobytes())';
			const rgb = execFileSync(PYTHON, ['-c', py, file], { maxBuffer: 1 << 24 });
			const ours = decodeImage(readFileSync(file));
			let diff = 0;
			for (let p = 0; p < 320 * 200; p++) for (let c = 0; c < 3; c++) diff = Math.max(diff, Math.abs((ours.data[p * 4 + c] as number) - (rgb[p * 3 + c] as number)));
			expect(diff).toBe(0);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test.each([
		['PNG', () => pngHeaderOnly(20_000, 20_000)],
		['JPEG', () => jpegClaiming(20_000, 20_000)]
	])('refuses a 20,000 × 20,000 %s from its header, before any decoder runs', (_, bytes) => {
		expect(kindOf(() => decodeImage(bytes()))).toBe('too-large');
		expect(() => decodeImage(bytes())).toThrow(/20000x20000 \(400 MP\), above the 40 MP limit/);
		expect(PNG.sync.read).not.toHaveBeenCalled();
		expect(jpeg.decode).not.toHaveBeenCalled();
		expect(decodeJpegTurbo).not.toHaveBeenCalled();
	});

	test('the pixel limit is a parameter', () => {
		expect(kindOf(() => checkImageSize(pngBytes, 64 * 32 - 1))).toBe('too-large');
		expect(checkImageSize(pngBytes, 64 * 32)).toMatchObject({ width: 64 });
	});

	test.each([
		['a truncated JPEG', () => jpegBytes.subarray(0, Math.floor(jpegBytes.length * 0.6)), 'truncated'],
		['a truncated PNG', () => pngBytes.subarray(0, Math.floor(pngBytes.length * 0.6)), 'truncated'],
		[
			'a corrupt JPEG (a bad marker inside the image data)',
			() => {
				const b = new Uint8Array(jpegBytes);
				b.set([0xff, 0x1e, 0xff, 0x1e], b.length - 40);
				return b;
			},
			'corrupt'
		],
		[
			'a corrupt PNG (damaged pixel data, CRC mismatch)',
			() => {
				const b = new Uint8Array(pngBytes);
				for (let i = 60; i < 80; i++) b[i] = (b[i] as number) ^ 0x5a;
				return b;
			},
			'corrupt'
		],
		['a zero-byte file', () => new Uint8Array(0), 'empty'],
		['a text file named .jpg', () => new TextEncoder().encode('hello'), 'unsupported-format']
	])('%s → ImageError %s, never a crash', (_, bytes, kind) => {
		expect(kindOf(() => decodeImage(bytes()))).toBe(kind);
	});
});
