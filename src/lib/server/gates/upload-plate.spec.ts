import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ReaderPool } from './reader-pool.ts';
import { ReadError } from './reader.ts';
import { jpegDeclaring, ScriptedReader, testJpeg } from './testing.ts';
import { readUploadedPlate } from './upload-plate.ts';

describe('upload_plate', () => {
	const reader = new ScriptedReader();
	test.each([
		[0.95, 'KA01AB1234'],
		[0.8, 'KA01AB1234'],
		[0.79, null]
	])('confidence %d against a threshold of 0.8 → plate %s', async (confidence, plate) => {
		reader.next = { plate: 'KA01AB1234', confidence, valid: true };
		expect(await readUploadedPlate(reader, testJpeg(64, 48), 0.8)).toEqual({ plate, confidence });
	});

	test('not an image, or a decompression bomb, is refused', async () => {
		await expect(readUploadedPlate(reader, new TextEncoder().encode('GIF89a....'), 0.8)).rejects.toMatchObject({ status: 415 });
		await expect(readUploadedPlate(reader, jpegDeclaring(20_000, 20_000), 0.8)).rejects.toMatchObject({ status: 422, code: 'image_too_large' });
	});

	test.each([
		['busy', new ReadError('busy', 'every plate reader is busy'), 'reader_busy'],
		['timed out', new ReadError('timeout', 'the read took longer than 5000 ms'), 'reader_busy'],
		['failing with an error of its own', new Error('the plate reader could not start'), 'reader_failed']
	])('a reader %s is a 503 with Retry-After, never a 500', async (_, error, code) => {
		const failing = { read: () => Promise.reject(error), close: async () => {} };
		await expect(readUploadedPlate(failing, testJpeg(64, 48), 0.8)).rejects.toMatchObject({ status: 503, code, headers: { 'retry-after': expect.any(String) } });
	});

	describe('through the real pipeline', () => {
		let pool: ReaderPool;
		beforeAll(async () => {
			pool = new ReaderPool({ size: 1 });
			await pool.ready();
		});
		afterAll(() => pool.close());
		test('a photo gives a plate or null, with a confidence; a cut-short JPEG is 422', async () => {
			const out = await readUploadedPlate(pool, testJpeg(640, 480, 1), 0.8);
			expect(out.confidence).toBeGreaterThanOrEqual(0);
			expect(out.confidence).toBeLessThanOrEqual(1);
			if (out.plate !== null) expect(out.confidence).toBeGreaterThanOrEqual(0.8);
			const jpeg = testJpeg(640, 480, 2);
			await expect(readUploadedPlate(pool, jpeg.subarray(0, jpeg.length / 2), 0.8)).rejects.toMatchObject({ status: 422, code: 'image_unreadable' });
		});
	});
});
