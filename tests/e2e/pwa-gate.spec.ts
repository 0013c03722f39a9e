/**
 * The gate tablet: a fake ESP32-CAM serving MJPEG in CameraWebServer's wire format → the
 * server's authorised relay → the tablet page, which reads plates in its worker, shows the
 * gate's decisions and lets the attendant settle a held car (plate, payment, open). Bad input:
 * another lot's camera, a camera that is not a stream, corrupt parts, a stalled stream.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { ESP32_BOUNDARY, isWholeJpeg, MjpegParser } from '../../src/lib/cameras/mjpeg.ts';
import { account, FIXTURES, labels, limitTo, makeLot, signIn, startFakeEsp32, type Account, type FakeEsp32 } from './pwa-support.ts';

let esp: FakeEsp32;
test.beforeAll(async () => {
	esp = await startFakeEsp32(labels().map((l) => new Uint8Array(readFileSync(join(FIXTURES, l.file)))));
});
test.afterAll(async () => esp?.close());

async function gate(request: APIRequestContext, admin: Account, lotId: string, cameraUrl: string | null, direction = 'exit', deviceKeyId: string | null = null): Promise<string> {
	const res = await request.post(`/api/v1/lots/${lotId}/gates`, { headers: admin.headers, data: { name: `${direction} ${Math.random().toString(36).slice(2, 6)}`, direction, cameraUrl, deviceKeyId } });
	expect(res.status(), await res.text()).toBe(201);
	return (await res.json()).id;
}

/** Reads a relay response for `ms` and parses what came. */
async function readRelay(baseURL: string, path: string, headers: Record<string, string>, ms: number) {
	const abort = new AbortController();
	const res = await fetch(baseURL + path, { headers, signal: abort.signal });
	const parser = new MjpegParser(ESP32_BOUNDARY);
	const frames: Uint8Array[] = [];
	let bad = 0;
	const timer = setTimeout(() => abort.abort(), ms);
	try {
		const reader = res.body!.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			for (const e of parser.push(value)) e.type === 'frame' ? frames.push(e.jpeg) : bad++;
		}
	} catch {
		/* aborted */
	} finally {
		clearTimeout(timer);
	}
	return { status: res.status, type: res.headers.get('content-type'), frames, bad };
}

test('the relay passes whole JPEG parts in the ESP32 format, to staff of the camera’s lot only', async ({ request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const operator = await account(request, baseURL, 'operator');
	const lotA = await makeLot(request, admin, `Relay A ${Date.now()}`);
	const lotB = await makeLot(request, admin, `Relay B ${Date.now()}`);
	await limitTo(request, admin, operator, [lotA]);
	const gateA = await gate(request, admin, lotA, `${esp.url}/stream`);
	const gateCorrupt = await gate(request, admin, lotA, `${esp.url}/stream?mode=corrupt`);
	const gateHtml = await gate(request, admin, lotA, `${esp.url}/stream?mode=html`);
	const gateB = await gate(request, admin, lotB, `${esp.url}/stream`);

	const ok = await readRelay(baseURL!, `/api/v1/cameras/${gateA}/stream`, operator.headers, 1500);
	expect(ok.status).toBe(200);
	expect(ok.type).toBe(`multipart/x-mixed-replace;boundary=${ESP32_BOUNDARY}`);
	expect(ok.frames.length).toBeGreaterThanOrEqual(5);
	expect(ok.frames.every(isWholeJpeg)).toBe(true);

	// corrupt parts (not a JPEG; a broken Content-Length) are dropped, good ones still come
	const corrupt = await readRelay(baseURL!, `/api/v1/cameras/${gateCorrupt}/stream`, operator.headers, 1500);
	expect(corrupt.frames.length).toBeGreaterThanOrEqual(5);
	expect(corrupt.bad).toBe(0);
	expect(corrupt.frames.every(isWholeJpeg)).toBe(true);

	const other = await request.get(`/api/v1/cameras/${gateB}/stream`, { headers: operator.headers });
	expect(other.status()).toBe(403);
	expect((await other.json()).error.code).toBe('lot_forbidden');
	expect((await request.get(`/api/v1/cameras/${gateB}/stream`)).status()).toBe(401);
	const html = await request.get(`/api/v1/cameras/${gateHtml}/stream`, { headers: operator.headers });
	expect(html.status()).toBe(502);
	expect((await html.json()).error.code).toBe('camera_bad_stream');
	expect((await request.get(`/api/v1/cameras/nosuchgate/stream`, { headers: operator.headers })).status()).toBe(404);
});

test('the tablet watches the relay, reads plates, settles a held car; a stalled stream is said so', async ({ page, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const operator = await account(request, baseURL, 'operator');
	const lotA = await makeLot(request, admin, `Tablet ${Date.now()}`);
	await limitTo(request, admin, operator, [lotA]);
	const key = await (await request.post('/api/v1/device-keys', { headers: admin.headers, data: { name: `tablet gate ${Date.now()}` } })).json();
	const exit = await gate(request, admin, lotA, `${esp.url}/stream`, 'exit', key.id);
	const stalled = await gate(request, admin, lotA, `${esp.url}/stream?mode=stall`);

	// a car parked for two hours leaves; the camera sees no plate (a black picture): held
	const plate = `KA05TB${String(Date.now()).slice(-4)}`;
	const start = await request.post('/api/v1/sessions', { headers: admin.headers, data: { lotId: lotA, plate, at: Date.now() - 2 * 3600_000 } });
	expect(start.status(), await start.text()).toBe(201);
	const capture = await request.post(`/api/v1/gates/${exit}/captures`, {
		headers: { authorization: `Bearer ${key.key}`, 'idempotency-key': `tablet-${Date.now()}`, 'x-capture-time': new Date().toISOString(), 'content-type': 'image/jpeg' },
		data: readFileSync(join(FIXTURES, 'black.jpg'))
	});
	expect(capture.status(), await capture.text()).toBe(200);
	expect((await capture.json()).decision).toBe('hold');

	await signIn(page, operator, '/gate');
	await page.getByTestId('gate-select').selectOption(exit);
	await expect(page.getByTestId('stream-meta')).toContainText('Live', { timeout: 30_000 });
	// the plate reader reads the relayed frames (whatever it reads: accuracy is the camera test's)
	await expect(page.getByTestId('live-read')).toBeVisible({ timeout: 120_000 });
	const seen = new Set<string>();
	const want = new Set(labels().map((l) => l.text));
	for (let i = 0; i < 40 && ![...seen].some((t) => want.has(t)); i++) {
		for (const t of await page.locator('[data-testid=reads] .plate').allInnerTexts()) seen.add(t);
		const now = await page.getByTestId('live-read').locator('.plate').innerText().catch(() => '');
		if (now) seen.add(now);
		await page.waitForTimeout(500);
	}
	console.log(`tablet reads: ${[...seen].join(', ')} (scenes: ${[...want].join(', ')})`);
	// a plate of the camera's pictures read exactly, through the relay, in the tablet's worker
	expect([...seen].filter((t) => want.has(t)).length, `reads ${[...seen].join(', ')}`).toBeGreaterThan(0);

	// the held car: the attendant types the plate, is told what is due, takes cash, opens
	const hold = page.getByTestId('hold');
	await expect(hold).toHaveCount(1, { timeout: 10_000 });
	// the tablet is cross-origin isolated (COEP: the worker's ORT threads), and the stream above and
	// the capture's photo still load under it
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
	await expect.poll(() => hold.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
	await hold.getByTestId('hold-plate').fill(plate);
	await hold.getByTestId('open').click();
	await expect(hold.getByTestId('hold-message')).toHaveText('Take the payment, then open.');
	await expect(hold).toContainText(/₹[\d,.]+ due/);
	await hold.getByTestId('take-cash').click();
	await expect(page.getByTestId('hold')).toHaveCount(0, { timeout: 15_000 });
	const status = await (await request.get(`/api/v1/gates/${exit}/status`, { headers: admin.headers })).json();
	expect(status.pending_commands).toBe(1); // the open command, waiting for the gate's long poll
	await expect(page.getByTestId('recent')).toContainText('hold');

	// a camera that stops sending: the tablet says so
	await page.getByTestId('gate-select').selectOption(stalled);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-state', 'stalled', { timeout: 20_000 });
	await expect(page.getByTestId('stream-status')).toContainText(/stalled|ended/);
});
