/**
 * Decompression bombs against the Node decoder: whatever a file's data inflates to, decoding it
 * costs no more memory than the size its header declares (checked against the real process's
 * resident memory), and real interlaced files still decode.
 */
import { PNG } from 'pngjs';
import { expect, test } from 'vitest';
import { interlacedPng, pngBomb, pngDeclaring } from '../../../tests/support/bombs.ts';
import { decodeImage } from './decode-node.ts';
import { ImageError } from './image-header.ts';
import { testPattern } from './test-support.ts';

const MB = 2 ** 20;

/** The error kind `fn` throws, and how far the process's resident memory rose meanwhile. */
function attempt(fn: () => unknown): { kind: string | undefined; grewMb: number } {
	const before = process.memoryUsage().rss;
	let kind: string | undefined;
	try {
		fn();
	} catch (e) {
		kind = e instanceof ImageError ? e.kind : `not an ImageError: ${String(e)}`;
	}
	return { kind, grewMb: (process.memoryUsage().rss - before) / MB };
}

test('a real interlaced PNG decodes to its pixels', () => {
	const image = testPattern(37, 23);
	const decoded = decodeImage(new Uint8Array(interlacedPng(image.data, 37, 23)));
	expect(decoded.width).toBe(37);
	expect(decoded.height).toBe(23);
	expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
	// and pngjs reads the same file the same way (the test's encoder is right)
	expect(PNG.sync.read(interlacedPng(image.data, 37, 23)).data.equals(Buffer.from(image.data))).toBe(true);
});

test.each([
	['interlaced', 1],
	['plain', 0]
] as const)('a %s PNG of 1000×1000 whose data inflates to 1 GiB: refused, memory barely moves', (_name, interlace) => {
	const bomb = pngBomb(1000, 1000, 1024, interlace);
	expect(bomb.length).toBeLessThan(2 * MB);
	const { kind, grewMb } = attempt(() => decodeImage(new Uint8Array(bomb), 12_000_000));
	expect(kind).toMatch(/^(corrupt|truncated)$/);
	// 1000×1000 RGBA is 4 MB: what the header allows, not the gigabyte the data holds
	expect(grewMb).toBeLessThan(200);
});

test('a PNG declaring 100000×100000 is refused from its header', () => {
	expect(attempt(() => decodeImage(new Uint8Array(pngDeclaring(100_000, 100_000)), 12_000_000)).kind).toBe('too-large');
});
