/**
 * The installable app: a valid manifest with real icons, a service worker that takes control and
 * holds the models, and an app that loads and reads plates offline after one visit.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { account, FIXTURES, makeLot, setNetwork, waitReady } from './pwa-support.ts';

// the corner refiner is optional: served and listed when both its files are in models/
const haveRefiner = ['refiner.onnx', 'refiner.json'].every((f) => existsSync(join('models', f)));
const refinerFiles = haveRefiner ? ['/lpr/refiner.json', '/lpr/refiner.onnx'] : [];

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
	// the models, ORT's WASM (gzip at rest) and its glue, and the built plate worker (OpenCV.js inside)
	const workers = names.filter((n) => /^\/lpr\/worker-[\w-]+\.js$/.test(n));
	expect(names.filter((n) => !workers.includes(n))).toEqual([
		'/lpr/detector.json',
		'/lpr/detector.onnx',
		'/lpr/ort-wasm-simd-threaded.mjs',
		'/lpr/ort-wasm-simd-threaded.wasm.gz',
		'/lpr/reader.json',
		'/lpr/reader.onnx',
		...refinerFiles
	]);
	// an absent refiner is a 404, not a server error
	for (const name of ['refiner.onnx', 'refiner.json']) expect((await request.get(`/lpr/${name}`)).status(), name).toBe(haveRefiner ? 200 : 404);
	expect(workers.length).toBeGreaterThan(0);
	// the worker bundle comes with COEP (a worker of the isolated page needs it) and compressed
	const bundle = await request.get(workers[0]!, { headers: { 'accept-encoding': 'br' } });
	expect(bundle.headers()).toMatchObject({ 'content-type': 'text/javascript', 'cross-origin-embedder-policy': 'credentialless', 'content-encoding': 'br' });
	expect((await bundle.body()).length).toBe(m.files.find((f: { url: string }) => f.url === workers[0]).bytes);
	expect((await request.get('/lpr/worker-..%2F..%2Fhandler.js')).status()).toBe(404);
	const gz = await request.get('/lpr/ort-wasm-simd-threaded.wasm.gz');
	expect(gz.headers()['content-type']).toBe('application/gzip');
	const listed = m.files.find((f: { url: string }) => f.url.endsWith('.wasm.gz'));
	expect((await gz.body()).length).toBe(listed.bytes);
	// the raw file (for a page of an older version still open) is the gzip's content
	const wasm = await request.get('/lpr/ort-wasm-simd-threaded.wasm');
	expect(wasm.headers()['content-type']).toBe('application/wasm');
	expect(gunzipSync(await gz.body()).equals(await wasm.body())).toBe(true);
	expect(listed.bytes, 'gzip well under the 14 MB WASM').toBeLessThan((await wasm.body()).length / 3);
	expect((await request.get('/lpr/../package.json')).status()).toBe(404);
	expect((await request.get('/lpr/secret.txt')).status()).toBe(404);
	// names every object inherits are not on the list either
	for (const name of ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) expect((await request.get(`/lpr/${name}`)).status(), name).toBe(404);
});

test('after one visit: service worker active, models cached with progress, app and recognition work offline', async ({ page, context, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	await makeLot(request, admin, `Install ${Date.now()}`);
	// every value the progress bar shows while the models download (each progress message renders)
	await page.addInitScript(() => {
		const seen: Array<[number, number]> = ((window as unknown as { progressSeen: Array<[number, number]> }).progressSeen = []);
		new MutationObserver((records) => {
			for (const r of records) {
				const el = r.target as HTMLElement;
				if (el.dataset.testid === 'model-progress') seen.push([Number(el.dataset.loaded), Number(el.dataset.total)]);
			}
		}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-loaded'] });
	});
	// signed in over HTTP, so that /patrol is the first page: the service worker installs there
	// and its download is the one the page watches (after a sign-in page it may be done already)
	const login = await context.request.post('/login', { form: { email: patrol.email, password: patrol.password }, headers: { accept: 'text/html' }, maxRedirects: 0 });
	expect(login.status()).toBe(303);
	await page.goto('/patrol');
	await waitReady(page);
	const seen = await page.evaluate(() => (window as unknown as { progressSeen: Array<[number, number]> }).progressSeen);
	const total = Math.max(...seen.map(([, max]) => max));
	const manifest = await (await request.get('/lpr/manifest.json')).json();
	expect(total, 'bytes of models, WASM and the worker bundle').toBe(manifest.files.reduce((n: number, f: { bytes: number }) => n + f.bytes, 0));
	expect(seen.some(([v, max]) => max === total && v > 0 && v < total), `partial progress seen: ${JSON.stringify(seen.slice(0, 20))}`).toBe(true);
	const sw = await page.evaluate(async () => {
		const reg = await navigator.serviceWorker.ready;
		const names = await caches.keys();
		const keys = async (name: string | undefined) => (name ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname).sort() : []);
		return {
			state: reg.active?.state,
			scope: reg.scope,
			names,
			files: await keys(names.find((n) => n.startsWith('spms-lpr-'))),
			shell: await keys(names.find((n) => n.startsWith('spms-shell-'))),
			persisted: await navigator.storage.persisted()
		};
	});
	expect(sw.state).toBe('activated');
	expect(sw.files).toEqual(expect.arrayContaining(['/lpr/detector.onnx', '/lpr/reader.onnx', ...refinerFiles, '/lpr/ort-wasm-simd-threaded.wasm.gz', '/lpr/manifest.json']));
	expect(sw.files.some((f) => f.startsWith('/lpr/worker-'))).toBe(true);
	// the precache is the build's shell list (the offline routes' files), no more: not the admin pages, chart.js
	const shellList: string[] = (await (await request.get('/_app/pwa-shell.json')).json()).files;
	expect(shellList.some((f) => f.startsWith('/_app/immutable/entry/'))).toBe(true);
	expect(sw.shell.filter((f) => f.startsWith('/_app/'))).toEqual([...shellList].sort());
	expect(sw.shell).toEqual(expect.arrayContaining(['/offline', '/manifest.webmanifest']));
	// the scanner's page is cross-origin isolated: ORT runs threads in the worker
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

	await setNetwork(context, false);
	// what the page and its plate worker ask for offline (the service worker answers)
	const asked: string[] = [];
	page.on('request', (r) => asked.push(new URL(r.url()).pathname));
	await page.reload();
	await expect(page.getByTestId('network')).toHaveText('Offline');
	await waitReady(page);
	// recognition offline: a gallery photo read by the worker from cached models
	await page.getByTestId('photo-input').setInputFiles(join(FIXTURES, 'scene-1.jpg'));
	await expect(page.getByTestId('photo-message')).toHaveText(/^(Read \S+ \(\d+%\) from the photo\.|No plate found)/, { timeout: 60_000 });
	await expect(page.getByTestId('photo-message')).toHaveText(/^Read /);
	// the manifest the service worker keeps tells the page the refiner is there: the worker loaded it
	for (const file of ['/lpr/detector.onnx', '/lpr/reader.onnx', ...refinerFiles]) expect(asked, file).toContain(file);
	if (!haveRefiner) expect(asked).not.toContain('/lpr/refiner.onnx');

	// a page never visited gets the offline page, not the browser's error
	await page.goto('/account');
	await expect(page.getByTestId('offline-page')).toBeVisible();
	await setNetwork(context, true);
});
