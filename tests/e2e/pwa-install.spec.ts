/**
 * The installable app: a valid manifest with real icons, a service worker that takes control and
 * holds the models, and an app that loads and reads plates offline after one visit.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { account, FIXTURES, makeLot, setNetwork, signIn, waitReady } from './pwa-support.ts';

test('the manifest is installable: name, standalone, start URL in scope, real PNG icons incl. a maskable one', async ({ request }) => {
	const res = await request.get('/manifest.webmanifest');
	expect(res.status()).toBe(200);
	const m = await res.json();
	expect(m).toMatchObject({ name: 'SPMS Patrol & Gate', short_name: 'SPMS', display: 'standalone', start_url: '/patrol', scope: '/', theme_color: '#0b3d91' });
	const purposes = new Set<string>();
	for (const icon of m.icons as Array<{ src: string; sizes: string; type: string; purpose: string }>) {
		const png = await request.get(icon.src);
		expect(png.status(), icon.src).toBe(200);
		const bytes = await png.body();
		// PNG signature, then IHDR width and height
		expect(bytes.subarray(1, 4).toString()).toBe('PNG');
		const [w, h] = icon.sizes.split('x').map(Number);
		expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([w, h]);
		purposes.add(icon.purpose);
	}
	expect([...purposes].sort()).toEqual(['any', 'maskable']);
	expect(m.icons.some((i: { sizes: string }) => i.sizes === '512x512')).toBe(true);
	expect(m.icons.some((i: { sizes: string }) => i.sizes === '192x192')).toBe(true);
});

test('models are served with their sizes and a content version', async ({ request }) => {
	const m = await (await request.get('/lpr/manifest.json')).json();
	expect(m.version).toMatch(/^[0-9a-f]{16}$/);
	const names: string[] = m.files.map((f: { url: string }) => f.url).sort();
	// the models, ORT's WASM, and the built plate worker (OpenCV.js inside)
	expect(names.filter((n) => n.startsWith('/lpr/'))).toEqual(['/lpr/detector.json', '/lpr/detector.onnx', '/lpr/ort-wasm-simd-threaded.mjs', '/lpr/ort-wasm-simd-threaded.wasm', '/lpr/reader.json', '/lpr/reader.onnx']);
	expect(names.filter((n) => n.startsWith('/_app/immutable/workers/')).length).toBeGreaterThan(0);
	const wasm = await request.get('/lpr/ort-wasm-simd-threaded.wasm');
	expect(wasm.headers()['content-type']).toBe('application/wasm');
	expect((await request.get('/lpr/../package.json')).status()).toBe(404);
	expect((await request.get('/lpr/secret.txt')).status()).toBe(404);
});

test('after one visit: service worker active, models cached with progress, app and recognition work offline', async ({ page, context, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	await makeLot(request, admin, `Install ${Date.now()}`);
	await signIn(page, patrol);
	// the progress bar counts bytes while the models download
	const seen: Array<[number, number]> = [];
	const bar = page.getByTestId('model-progress');
	for (let t = 0; t < 1200 && (await page.getByTestId('model-state').count()) > 0; t++) {
		const v = await bar.evaluate((el: HTMLProgressElement) => [el.value, el.max] as [number, number]).catch(() => null);
		if (v) seen.push(v);
		await page.waitForTimeout(100);
	}
	await waitReady(page);
	const total = Math.max(...seen.map(([, max]) => max));
	expect(total, 'bytes of models, WASM and the worker bundle').toBeGreaterThan(20 * 2 ** 20);
	expect(seen.some(([v, max]) => max === total && v > 0 && v < total), `partial progress seen: ${JSON.stringify(seen.slice(0, 20))}`).toBe(true);
	const sw = await page.evaluate(async () => {
		const reg = await navigator.serviceWorker.ready;
		const names = await caches.keys();
		const lpr = names.find((n) => n.startsWith('spms-lpr-'));
		const files = lpr ? (await (await caches.open(lpr)).keys()).map((r) => new URL(r.url).pathname).sort() : [];
		return { state: reg.active?.state, scope: reg.scope, names, files, persisted: await navigator.storage.persisted() };
	});
	expect(sw.state).toBe('activated');
	expect(sw.names.some((n) => n.startsWith('workbox-precache'))).toBe(true);
	expect(sw.files).toEqual(expect.arrayContaining(['/lpr/detector.onnx', '/lpr/reader.onnx', '/lpr/ort-wasm-simd-threaded.wasm', '/lpr/manifest.json']));
	expect(sw.files.some((f) => f.startsWith('/_app/immutable/workers/'))).toBe(true);

	await setNetwork(context, false);
	await page.reload();
	await expect(page.getByTestId('network')).toHaveText('Offline');
	await waitReady(page);
	// recognition offline: a gallery photo read by the worker from cached models
	await page.getByTestId('photo-input').setInputFiles(join(FIXTURES, 'scene-1.jpg'));
	await expect(page.getByTestId('photo-message')).toHaveText(/^(Read \S+ \(\d+%\) from the photo\.|No plate found)/, { timeout: 60_000 });
	await expect(page.getByTestId('photo-message')).toHaveText(/^Read /);

	// a page never visited gets the offline page, not the browser's error
	await page.goto('/account');
	await expect(page.getByTestId('offline-page')).toBeVisible();
	await setNetwork(context, true);
});
