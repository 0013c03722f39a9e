/**
 * `npm run bench:pwa` (after `npm run build`): what the installable app costs and how fast it
 * scans, on this machine, in headless Chromium.
 * - app-shell JS, gzip: the JS the service worker precaches (`_app/pwa-shell.json`: what the
 *   offline routes load), and all the client's JS for comparison (the plate worker excluded);
 * - models + WASM: the `/lpr/` files the service worker keeps in its versioned runtime cache, in
 *   bytes as served, downloaded and kept (the WASM gzip at rest), and the worker bundle apart;
 * - first navigation to /patrol → ready to scan (models loaded in the worker), cold (new
 *   profile: service worker, caches and models from the network) and warm (a reload: all local);
 * - live scanner frames per second with Chromium's fake camera playing the fixture video, with the
 *   share the detector ran on and ORT's thread count in the worker.
 *
 * BENCH_PORT sets the app's port (default 4390 + pid % 50).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { reportFigures } from './report.ts';
import { root, startServer } from './support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const FIXTURES = join(root, 'tests/.fixtures/pwa');
const client = join(root, 'build/client');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n: number) => `${(n / 2 ** 20).toFixed(2)} MB`;

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

if (!existsSync(join(client, 'service-worker.js'))) throw new Error('no build: run npm run build first');
if (!existsSync(join(FIXTURES, 'camera.y4m'))) await promisify(execFile)('/usr/bin/python3', [join(root, 'scripts/pwa/fixtures.py'), FIXTURES]);

// ---- sizes ------------------------------------------------------------------------------------
const js = walk(join(client, '_app/immutable')).filter((f) => f.endsWith('.js'));
const gzip9 = (files: string[]) => files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
const allJs = js.filter((f) => !relative(client, f).startsWith('_app/immutable/workers/'));
const shellList = (JSON.parse(readFileSync(join(client, '_app/pwa-shell.json'), 'utf8')) as { files: string[] }).files;
const shell = shellList.filter((f) => f.endsWith('.js')).map((f) => join(client, f));
const shellGzip = gzip9(shell);
const allGzip = gzip9(allJs);
const swGzip = gzipSync(readFileSync(join(client, 'service-worker.js')), { level: 9 }).length;

// ---- the app in Chromium ----------------------------------------------------------------------
const port = Number(process.env.BENCH_PORT ?? 4390 + (process.pid % 50));
const server = await startServer('sqlite', port);
// what the service worker downloads into its runtime cache, as the server lists it
const lprFiles = ((await (await fetch(`${server.url}/lpr/manifest.json`)).json()) as { files: Array<{ url: string; bytes: number }> }).files;
const isWorker = (url: string) => /^\/lpr\/worker-[\w-]+\.js$/.test(url);
const models = lprFiles.filter((f) => !isWorker(f.url));
const modelBytes = models.reduce((n, f) => n + f.bytes, 0);
const workerFiles = lprFiles.filter((f) => isWorker(f.url));
const workerRaw = workerFiles.reduce((n, f) => n + f.bytes, 0);
const brotliOf = (url: string) => join(client, '_app/immutable/workers', `${url.slice('/lpr/'.length)}.br`);
const workerBrotli = workerFiles.reduce((n, f) => n + (existsSync(brotliOf(f.url)) ? statSync(brotliOf(f.url)).size : f.bytes), 0);
const wasmRaw = statSync(join(root, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm')).size;
const named = (suffix: string) => models.find((f) => f.url.endsWith(suffix))?.bytes ?? 0;
const state = JSON.parse(readFileSync(join(root, 'tests/.state', `${port}.json`), 'utf8'));
const email = `bench-pwa-${process.pid}@example.com`;
const password = 'bench-password-1';
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: state.dataDir };
delete env.DATABASE_URL;
delete env.DB_URI;
await promisify(execFile)(process.execPath, [join(root, 'scripts/user-create.ts'), '--email', email, '--password', password, '--role', 'patrol'], { env, cwd: root });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${join(FIXTURES, 'camera.y4m')}`] });
try {
	const times: { cold: number[]; warm: number[] } = { cold: [], warm: [] };
	let fps: number[] = [];
	const detectorFps: number[] = [];
	let threads = 0;
	let isolated = false;
	for (let run = 0; run < 3; run++) {
		const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
		// a cookie from the sign-in form, without loading a page (which would install the app)
		const login = await context.request.post(`${server.url}/login`, { form: { email, password }, headers: { accept: 'text/html' }, maxRedirects: 0 });
		if (login.status() !== 303) throw new Error(`sign-in failed: ${login.status()}`);
		const page = await context.newPage();
		const ready = async () => {
			const t0 = Date.now();
			await page.waitForSelector('[data-testid=status-bar]');
			await page.waitForFunction(() => !document.querySelector('[data-testid=model-state]'), null, { timeout: 300_000, polling: 50 });
			return Date.now() - t0;
		};
		let t = Date.now();
		await page.goto(`${server.url}/patrol`);
		times.cold.push((await ready()) + (Date.now() - t) * 0);
		t = Date.now();
		await page.reload();
		times.warm.push(await ready());
		if (run === 0) {
			await page.getByTestId('start-camera').click();
			await page.waitForTimeout(8000); // warm up: the first frames pay for lazy initialisation
			for (let i = 0; i < 10; i++) {
				await page.waitForTimeout(1000);
				const chip = page.getByTestId('fps');
				fps.push(Number((await chip.innerText()).split(' ')[0]));
				detectorFps.push(Number(await chip.getAttribute('data-detector-fps')));
				threads = Number(await chip.getAttribute('data-threads'));
			}
			isolated = await page.evaluate(() => self.crossOriginIsolated);
		}
		await context.close();
	}
	fps = fps.filter((f) => f > 0);
	const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	const load = loadavg().map((l) => l.toFixed(1)).join(' ');
	console.log(`PWA bench (${new Date().toISOString()}, ${process.arch}, ${availableParallelism()} cores, load ${load}, Chromium headless; crossOriginIsolated ${isolated}, ${threads} ORT thread${threads === 1 ? '' : 's'} in the worker)`);
	console.log(`app-shell JS (gzip -9):        ${kb(shellGzip)} in ${shell.length} files precached, + service worker ${kb(swGzip)}  (goal ≤ 150 KB; all pages' JS ${kb(allGzip)} in ${allJs.length} files)`);
	console.log(`models + WASM (as downloaded): ${mb(modelBytes)}: detector ${mb(named('detector.onnx'))}, reader ${mb(named('reader.onnx'))}${named('refiner.onnx') ? `, refiner ${mb(named('refiner.onnx'))}` : ''}, ORT WASM ${mb(named('.wasm.gz'))} gzip at rest (${mb(wasmRaw)} inflated in memory), ORT glue ${kb(named('.mjs'))}  (goal ≤ 12 MB)`);
	console.log(`plate worker bundle (OpenCV):  ${mb(workerRaw)} kept in the runtime cache, ${mb(workerBrotli)} over the wire (brotli)`);
	console.log(`first navigation → ready to scan: cold ${s(median(times.cold))} (runs ${times.cold.map(s).join(', ')}), warm ${s(median(times.warm))} (runs ${times.warm.map(s).join(', ')})`);
	console.log(`live scanner: ${median(fps).toFixed(1)} frames/s median (min ${Math.min(...fps).toFixed(1)}, max ${Math.max(...fps).toFixed(1)}; fake camera 640×360), the detector on ${median(detectorFps).toFixed(1)} of them/s, the reader alone on the others  (goal ≥ 15)`);
	console.log(`models + WASM with OpenCV.js (its WASM is inside the worker bundle): ${mb(modelBytes + workerBrotli)} downloaded, ${mb(modelBytes + workerRaw)} kept on the phone`);
	const mib = (n: number) => Math.round((n / 2 ** 20) * 100) / 100;
	reportFigures(
		'bench:pwa',
		{
			shellGzipKb: Math.round((shellGzip / 1024) * 10) / 10,
			modelsMb: mib(modelBytes + workerBrotli),
			modelsCachedMb: mib(modelBytes + workerRaw),
			coldS: Math.round(median(times.cold) / 100) / 10,
			warmS: Math.round(median(times.warm) / 100) / 10,
			fps: Math.round(median(fps) * 10) / 10,
			detectorFps: Math.round(median(detectorFps) * 10) / 10,
			threads
		},
		[`crossOriginIsolated ${isolated}; fake camera 640×360; MB here are MiB`]
	);
} finally {
	await browser.close();
	await server.stop();
}
