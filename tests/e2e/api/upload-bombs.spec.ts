/**
 * Upload bombs against the running server: images that declare huge sizes, PNGs whose data
 * inflates to gigabytes, truncated files, bodies over the limits and multipart bodies of tens of
 * thousands of parts, on the plate-reading routes (gate captures, the original /upload_plate).
 * Each gets a clean 4xx in the JSON error shape, and the server's resident memory (its own
 * /metrics) stays within a few hundred MB of where it was — a decoded bomb would be gigabytes.
 */
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { jpegDeclaring, testJpeg } from '../../../src/lib/server/gates/testing.ts';
import { pngBomb, pngDeclaring } from '../../support/bombs.ts';
import { bearer, createUser, tokenFor } from '../support.ts';

const MB = 2 ** 20;

async function rss(request: APIRequestContext): Promise<number> {
	const text = await (await request.get('/metrics')).text();
	return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1]);
}

async function refused(res: APIResponse, status: number, code: string): Promise<void> {
	expect(res.status(), await res.text()).toBe(status);
	// the error shape; a validation error may also name the field (`fields`)
	expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

/** A multipart body of `n` small text parts (and, if given, an image part at the end). */
function manyParts(n: number, image?: Buffer): { type: string; body: Buffer } {
	const boundary = 'spmsbomb';
	const part = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n`);
	const tail = image
		? Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), image, Buffer.from(`\r\n--${boundary}--\r\n`)])
		: Buffer.from(`--${boundary}--\r\n`);
	return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([...Array.from({ length: n }, () => part), tail]) };
}

test('decompression bombs, truncated images, oversized and many-part bodies: clean 4xx, no memory blow-up', async ({ request, baseURL }) => {
	test.setTimeout(240_000);
	const admin = bearer(await tokenFor(request, createUser(baseURL, 'admin')));
	const operator = bearer(await tokenFor(request, createUser(baseURL, 'operator')));
	const lot = await (await request.post('/api/v1/lots', { headers: admin, data: { name: `Bombs ${Date.now()}`, capacity: { car: 10 } } })).json();
	const key = await (await request.post('/api/v1/device-keys', { headers: admin, data: { name: `bomb gate ${Date.now()}` } })).json();
	const gate = await (await request.post(`/api/v1/lots/${lot.id}/gates`, { headers: admin, data: { name: 'bombed', direction: 'entry', deviceKeyId: key.id } })).json();
	let n = 0;
	const capture = (data: Buffer, type = 'image/jpeg') =>
		request.post(`/api/v1/gates/${gate.id}/captures`, {
			headers: { ...bearer(key.key), 'idempotency-key': `bomb-${n++}`, 'x-capture-time': new Date().toISOString(), 'content-type': type },
			data
		});
	const upload = (image: Buffer, name = 'car.png', mimeType = 'image/png') => request.post('/upload_plate', { headers: operator, multipart: { image: { name, mimeType, buffer: image } } });

	// warm up: the reader pool starts (and loads its models) on the first read
	expect((await upload(Buffer.from(testJpeg(320, 240, 1)), 'car.jpg', 'image/jpeg')).status()).toBe(200);
	const before = await rss(request);

	const jpeg = Buffer.from(testJpeg(320, 240, 2));
	await test.step('huge declared sizes are refused from the header', async () => {
		await refused(await capture(Buffer.from(jpegDeclaring(65_000, 65_000))), 422, 'image_too_large');
		await refused(await upload(Buffer.from(jpegDeclaring(30_000, 30_000)), 'car.jpg', 'image/jpeg'), 422, 'image_too_large');
		await refused(await upload(pngDeclaring(100_000, 100_000)), 422, 'image_too_large');
	});
	await test.step('PNGs whose data inflates to 3 GiB behind a 2000×2000 header (interlaced and plain)', async () => {
		for (const interlace of [1, 0] as const) {
			const bomb = pngBomb(2000, 2000, 3 * 1024, interlace);
			expect(bomb.length).toBeLessThan(4 * MB);
			await refused(await upload(bomb), 422, 'image_unreadable');
		}
	});
	await test.step('truncated images', async () => {
		await refused(await capture(jpeg.subarray(0, jpeg.length >> 1)), 422, 'image_unreadable');
		await refused(await capture(jpeg.subarray(0, 20)), 422, 'image_unreadable');
		await refused(await upload(pngBomb(64, 64, 1, 0).subarray(0, 40)), 422, 'image_unreadable');
	});
	await test.step('bodies past the limits', async () => {
		await refused(await capture(Buffer.concat([jpeg, Buffer.alloc(4 * MB)])), 413, 'payload_too_large');
		await refused(await upload(Buffer.concat([jpeg, Buffer.alloc(5 * MB)]), 'car.jpg', 'image/jpeg'), 413, 'payload_too_large');
	});
	await test.step('multipart bodies of many parts', async () => {
		// 60,000 parts without an image; 60,000 and then a real photo; more parts than the limit holds
		const empty = manyParts(60_000);
		await refused(await request.post('/upload_plate', { headers: { ...operator, 'content-type': empty.type }, data: empty.body }), 422, 'validation_failed');
		const withImage = manyParts(60_000, jpeg);
		expect((await request.post(`/api/v1/gates/${gate.id}/captures`, { headers: { ...bearer(key.key), 'idempotency-key': `bomb-${n++}`, 'x-capture-time': new Date().toISOString(), 'content-type': withImage.type }, data: withImage.body })).status()).toBe(200);
		const tooMany = manyParts(120_000);
		await refused(await request.post('/upload_plate', { headers: { ...operator, 'content-type': tooMany.type }, data: tooMany.body }), 413, 'payload_too_large');
	});

	const after = await rss(request);
	expect((after - before) / MB, `resident memory ${Math.round(before / MB)} → ${Math.round(after / MB)} MB`).toBeLessThan(400);
	expect((await request.get('/healthz')).status()).toBe(200);
	// the server still reads plates
	expect((await upload(Buffer.from(testJpeg(320, 240, 3)), 'car.jpg', 'image/jpeg')).status()).toBe(200);
});
