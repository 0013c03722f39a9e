import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { readJson } from './api.ts';
import { DRAIN_MAX_BYTES, discardUnreadBody, readLimitedBody } from './body.ts';

/** A body sent without a length (as a chunked upload arrives): `chunks` pieces of `size` bytes, counting what was read and whether it was cancelled. */
function chunkedRequest(chunks: number, size: number, type = 'image/jpeg') {
	const seen = { pulled: 0, cancelled: false };
	const piece = new Uint8Array(size).fill(0x20);
	const body = new ReadableStream<Uint8Array>({
		pull(c) {
			if (seen.pulled === chunks) return c.close();
			seen.pulled++;
			c.enqueue(piece.slice());
		},
		cancel() {
			seen.cancelled = true;
		}
	});
	const request = new Request('http://spms.test/upload', { method: 'POST', headers: { 'content-type': type }, body, duplex: 'half' } as RequestInit & { duplex: 'half' });
	return { request, seen };
}

describe('reading a bounded body', () => {
	test('a body within the limit is read whole', async () => {
		const { request } = chunkedRequest(4, 1000);
		expect((await readLimitedBody(request, 4000)).byteLength).toBe(4000);
	});

	// cancelling the body makes adapter-node destroy the socket: the client would get a reset, not the 413
	test.each([
		['bytes', (r: Request) => readLimitedBody(r, 10_000)],
		['JSON', (r: Request) => readJson(r, z.unknown(), 10_000)]
	])('%s past the limit without a declared length: 413, and the rest is read to its end, not cancelled', async (_, read) => {
		const { request, seen } = chunkedRequest(50, 1024, 'application/json');
		await expect(read(request)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
		expect(seen).toEqual({ pulled: 50, cancelled: false });
	});

	test('a client that keeps sending long past the limit is cut off', async () => {
		const chunk = 1024 * 1024;
		const { request, seen } = chunkedRequest(DRAIN_MAX_BYTES / chunk + 50, chunk);
		await expect(readLimitedBody(request, 10_000)).rejects.toMatchObject({ status: 413 });
		expect(seen.cancelled).toBe(true);
		expect(seen.pulled).toBeLessThan(DRAIN_MAX_BYTES / chunk + 50);
	});

	test('a declared length past the limit is refused before reading', async () => {
		const { request, seen } = chunkedRequest(5, 1024);
		request.headers.set('content-length', '999999');
		await expect(readLimitedBody(request, 10_000)).rejects.toMatchObject({ status: 413 });
		expect(seen.pulled).toBeLessThanOrEqual(1);
	});
});

describe('a body nobody read', () => {
	const settled = () => new Promise((r) => setTimeout(r, 20));

	test('is read to its end and thrown away, not cancelled', async () => {
		const { request, seen } = chunkedRequest(30, 4096);
		discardUnreadBody(request);
		await settled();
		expect(seen).toEqual({ pulled: 30, cancelled: false });
	});

	test('one already read, or being read, is left alone', async () => {
		const { request, seen } = chunkedRequest(3, 10);
		await request.arrayBuffer();
		expect(() => discardUnreadBody(request)).not.toThrow();
		const reading = chunkedRequest(3, 10);
		const reader = reading.request.body!.getReader();
		discardUnreadBody(reading.request);
		await settled();
		expect(reading.seen.pulled).toBeLessThanOrEqual(1);
		reader.releaseLock();
		expect(seen.cancelled).toBe(false);
	});

	test('past the drain limit the client is cut off', async () => {
		const chunk = 1024 * 1024;
		const { request, seen } = chunkedRequest(DRAIN_MAX_BYTES / chunk + 50, chunk);
		discardUnreadBody(request);
		for (let i = 0; i < 100 && !seen.cancelled; i++) await settled();
		expect(seen.cancelled).toBe(true);
	});
});
