/**
 * `npm run bench:pwa` (after `npm run build`): what the installable app costs and how fast it
 * scans, on this machine, in headless Chromium.
 * - app-shell JS, gzip: every JS file the service worker precaches (the plate worker excluded);
 * - models + WASM: the files the service worker keeps in its versioned runtime cache, raw and
 *   gzip (what a phone downloads once over a compressing proxy), and the worker bundle apart;
 * - first navigation to /patrol → ready to scan (models loaded in the worker), cold (new
 *   profile: service worker, caches and models from the network) and warm (a reload: all local);
 * - live scanner frames per second with Chromium's fake camera playing the fixture video.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
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
const shell = js.filter((f) => !relative(client, f).startsWith('_app/immutable/workers/'));
const shellGzip = shell.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
const swGzip = gzipSync(readFileSync(join(client, 'service-worker.js')), { level: 9 }).length;
const workerFiles = js.filter((f) => !shell.includes(f));
const sized = (files: string[]) => files.reduce((a, f) => ({ raw: a.raw + statSync(f).size, gzip: a.gzip + gzipSync(readFileSync(f), { level: 6 }).length }), { raw: 0, gzip: 0 });
const models = sized(['models/detector.onnx', 'models/reader.onnx', 'models/detector.json', 'models/reader.json', 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs'].map((f) => join(root, f)));
const worker = sized(workerFiles);

// ---- the app in Chromium ----------------------------------------------------------------------
const port = 4390 + (process.pid % 50);
const server = await startServer('sqlite', port);
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
				fps.push(Number((await page.getByTestId('fps').innerText()).split(' ')[0]));
			}
		}
		await context.close();
	}
	fps = fps.filter((f) => f > 0);
	const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	console.log(`PWA bench (${new Date().toISOString()}, ${process.arch}, Chromium headless, 1 ORT thread: the app is not cross-origin isolated)`);
	console.log(`app-shell JS (gzip -9):        ${kb(shellGzip)} in ${shell.length} files, + service worker ${kb(swGzip)}  (goal ≤ 150 KB)`);
	console.log(`models + WASM:                 ${mb(models.raw)} raw, ${mb(models.gzip)} gzip  (goal ≤ 12 MB)`);
	console.log(`plate worker bundle (OpenCV):  ${mb(worker.raw)} raw, ${mb(worker.gzip)} gzip  (also in the runtime cache)`);
	console.log(`first navigation → ready to scan: cold ${s(median(times.cold))} (runs ${times.cold.map(s).join(', ')}), warm ${s(median(times.warm))} (runs ${times.warm.map(s).join(', ')})`);
	console.log(`live scanner: ${median(fps).toFixed(1)} frames/s median (min ${Math.min(...fps).toFixed(1)}, max ${Math.max(...fps).toFixed(1)}; fake camera 640×360)  (goal ≥ 15)`);
} finally {
	await browser.close();
	await server.stop();
}
