/**
 * Plate-recognition benchmark: milliseconds per 1280×720 frame (detect, refine when models/ has
 * the corner refiner, read; p50/p95), model
 * load time and peak memory, in Node (onnxruntime-node and onnxruntime-web's WASM, 1 and 2
 * threads) and in headless Chromium's Web Worker (Debian's /usr/bin/chromium via Playwright).
 *
 *   npm run bench:lpr -- [--data DIR] [--iterations 60] [--warmup 5] [--count 8] [--only node|chromium] [--json FILE]
 *
 * Frames are real val-split scene photos scaled to 1280×720 (bench/lpr/frames.ts). The machine's
 * load average is printed with the numbers: a training run sharing the cores slows everything.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { DEFAULT_DATA, REPO_ROOT } from '../../scripts/lpr/datasets.ts';
import { FRAME_H, FRAME_W, benchFrames, percentile } from './frames.ts';
import type { PageBenchConfig, PageBenchResult } from './page.ts';
import { reportFigures } from '../report.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Row {
	where: string;
	threads: number;
	loadMs: number;
	p50: number;
	p95: number;
	peakMb: number;
	note: string;
}

const { values } = parseArgs({
	options: {
		data: { type: 'string', default: DEFAULT_DATA },
		iterations: { type: 'string', default: '60' },
		warmup: { type: 'string', default: '5' },
		count: { type: 'string', default: '8' },
		only: { type: 'string' },
		json: { type: 'string' }
	}
});
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);

async function nodeRows(framesFile: string, count: number): Promise<Row[]> {
	const rows: Row[] = [];
	for (const [runtime, threads] of [['node', 1], ['node', 2], ['web', 1], ['web', 2]] as const) {
		const script = join(REPO_ROOT, 'bench/lpr/node-run.ts');
		const args = [script, '--runtime', runtime, '--threads', String(threads), '--frames', framesFile, '--count', String(count)];
		args.push('--iterations', String(iterations), '--warmup', String(warmup));
		const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
		const r = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, number>;
		rows.push({
			where: `Node, onnxruntime-${runtime}`,
			threads,
			loadMs: (r.openCvMs as number) + (r.modelsMs as number),
			p50: r.p50 as number,
			p95: r.p95 as number,
			peakMb: r.peakRssMb as number,
			note: `OpenCV ${(r.openCvMs as number).toFixed(0)} ms + models ${(r.modelsMs as number).toFixed(0)} ms; ${(r.platesPerFrame as number).toFixed(1)} plates/frame; RSS incl. ${Math.round((count * FRAME_W * FRAME_H * 4) / 2 ** 20)} MB of frames`
		});
	}
	return rows;
}

const TYPES: Record<string, string> = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.wasm': 'application/wasm',
	'.json': 'application/json',
	'.onnx': 'application/octet-stream',
	'.rgba': 'application/octet-stream'
};

/** A loopback server for the built page, ORT's WASM files, the models and the frames. */
function serve(root: string, frames: Buffer[], isolated: boolean): Promise<{ server: Server; url: string }> {
	const ortDist = join(REPO_ROOT, 'node_modules/onnxruntime-web/dist');
	const mounts: [string, string][] = [['/ort/', ortDist], ['/models/', join(REPO_ROOT, 'models')], ['/', root]];
	const server = createServer((req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
		const frame = /^\/frames\/(\d+)\.rgba$/.exec(path);
		let body: Buffer | undefined = frame ? frames[Number(frame[1])] : undefined;
		if (body === undefined && path === '/') body = Buffer.from('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
		if (body === undefined) {
			const [prefix, dir] = mounts.find(([p]) => path.startsWith(p)) as [string, string];
			const file = normalize(join(dir, path.slice(prefix.length)));
			if (file.startsWith(dir) && existsSync(file) && !file.endsWith('/')) body = readFileSync(file);
		}
		if (body === undefined) {
			res.writeHead(404, headers).end();
			return;
		}
		res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'text/html' }).end(body);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** Peak resident memory of this process's descendants (the browser's processes), sampled. */
function memorySampler(): { stop(): { totalMb: number; largestMb: number } } {
	const rss = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
	const descendants = (): number[] => {
		const parent = new Map<number, number>();
		for (const d of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
			try {
				// Field 4 of /proc/PID/stat is the parent pid; the name (field 2) may hold spaces.
				const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
				parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
			} catch {
				// The process ended between listing and reading.
			}
		}
		const mine = new Set([process.pid]);
		let grew = true;
		while (grew) {
			grew = false;
			for (const [pid, ppid] of parent) if (!mine.has(pid) && mine.has(ppid)) grew = mine.add(pid) !== undefined;
		}
		mine.delete(process.pid);
		return [...mine];
	};
	let totalMb = 0;
	let largestMb = 0;
	const timer = setInterval(() => {
		try {
			const sizes = descendants().map((pid) => {
				try {
					return rss(pid);
				} catch {
					return 0;
				}
			});
			totalMb = Math.max(totalMb, sizes.reduce((a, b) => a + b, 0));
			largestMb = Math.max(largestMb, ...sizes);
		} catch {
			// /proc unreadable: report zeros rather than fail the benchmark.
		}
	}, 100);
	return {
		stop() {
			clearInterval(timer);
			return { totalMb, largestMb };
		}
	};
}

async function chromiumRows(frames: Buffer[]): Promise<Row[]> {
	if (!existsSync(CHROMIUM)) {
		console.error(`no Chromium at ${CHROMIUM}: the browser benchmark is left out (apt-get install chromium)`);
		return [];
	}
	const out = mkdtempSync(join(tmpdir(), 'lpr-bench-page-'));
	const rows: Row[] = [];
	try {
		await build({
			configFile: false,
			root: REPO_ROOT,
			logLevel: 'error',
			build: {
				outDir: out,
				emptyOutDir: true,
				assetsInlineLimit: 0,
				modulePreload: false,
				copyPublicDir: false,
				chunkSizeWarningLimit: 20_000,
				rollupOptions: { input: { page: join(REPO_ROOT, 'bench/lpr/page.ts') }, output: { entryFileNames: '[name].js' } }
			},
			worker: { format: 'es' }
		});
		const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
		try {
			for (const [isolated, threads] of [[false, 1], [true, 1], [true, 2]] as const) {
				const { server, url } = await serve(out, frames, isolated);
				const context = await browser.newContext();
				const sampler = memorySampler();
				try {
					const page = await context.newPage();
					page.on('pageerror', (e) => console.error('page error:', e.message));
					await page.goto(url);
					await page.waitForFunction(() => typeof window.lprBench === 'function');
					const config: PageBenchConfig = { frames: frames.map((_, i) => `/frames/${i}.rgba`), width: FRAME_W, height: FRAME_H, iterations, warmup, numThreads: threads, refiner: haveRefiner };
					const r: PageBenchResult = await page.evaluate((c) => window.lprBench(c), config);
					const mem = sampler.stop();
					rows.push({
						where: `Chromium worker, onnxruntime-web${r.isolated ? ' (crossOriginIsolated)' : ''}`,
						threads: r.threads,
						loadMs: r.loadMs,
						p50: percentile(r.inWorker, 50),
						p95: percentile(r.inWorker, 95),
						peakMb: mem.largestMb,
						note: `round trip p50 ${percentile(r.roundTrip, 50).toFixed(1)} / p95 ${percentile(r.roundTrip, 95).toFixed(1)} ms; worker-side load ${r.workerLoadMs.toFixed(0)} ms; ${(r.plates / iterations).toFixed(1)} plates/frame; largest process RSS (all Chromium processes ${mem.totalMb.toFixed(0)} MB)`
					});
				} finally {
					sampler.stop();
					await context.close();
					server.close();
				}
			}
		} finally {
			await browser.close();
		}
	} finally {
		rmSync(out, { recursive: true, force: true });
	}
	return rows;
}

// the optional corner refiner, as loadModels takes it in Node: when both its files are there
const haveRefiner = ['refiner.onnx', 'refiner.json'].every((f) => existsSync(join(REPO_ROOT, 'models', f)));
const loadBefore = loadavg();
const frames = await benchFrames(values.data, Number(values.count));
const buffers = frames.map((f) => Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
const framesFile = join(mkdtempSync(join(tmpdir(), 'lpr-bench-')), 'frames.rgba');
writeFileSync(framesFile, Buffer.concat(buffers));
const rows: Row[] = [];
try {
	if (values.only !== 'chromium') rows.push(...(await nodeRows(framesFile, frames.length)));
	if (values.only !== 'node') rows.push(...(await chromiumRows(buffers)));
} finally {
	rmSync(framesFile, { force: true });
}
const loadAfter = loadavg();
const models = ['detector', 'reader', ...(haveRefiner ? ['refiner'] : [])].map(
	(m) => `${m} ${(JSON.parse(readFileSync(join(REPO_ROOT, `models/${m}.json`), 'utf8')) as { version: string }).version}`
);
console.log(`\nPer 1280×720 frame, detect + ${haveRefiner ? 'refine + ' : ''}read; ${iterations} frames after ${warmup} warm-up; ${models.join(', ')}.`);
console.log(`Load average (1/5/15 min) before ${loadBefore.map((v) => v.toFixed(1)).join('/')}, after ${loadAfter.map((v) => v.toFixed(1)).join('/')} on ${(await import('node:os')).cpus().length} cores.\n`);
console.log('| where | threads | load ms | p50 ms | p95 ms | peak RSS MB | notes |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
	console.log(`| ${r.where} | ${r.threads} | ${r.loadMs.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.peakMb.toFixed(0)} | ${r.note} |`);
}
if (values.json) writeFileSync(values.json, JSON.stringify({ loadBefore, loadAfter, models, rows }, null, 1));
// the goals are per runtime: the best configuration of each (threads, isolation) is what it can do
const best = (prefix: string) => rows.filter((r) => r.where.startsWith(prefix)).sort((a, b) => a.p50 - b.p50)[0];
const node = best('Node, onnxruntime-node');
const browser = best('Chromium');
reportFigures(
	'bench:lpr',
	{
		'node.p50': node?.p50 ?? null,
		'node.p95': node?.p95 ?? null,
		'node.loadMs': node?.loadMs ?? null,
		'node.peakMb': node?.peakMb ?? null,
		'chromium.p50': browser?.p50 ?? null,
		'chromium.p95': browser?.p95 ?? null,
		...Object.fromEntries(rows.map((r) => [`${r.where}, ${r.threads} thread${r.threads > 1 ? 's' : ''}: p50 ms`, r.p50]))
	},
	[`${models.join(', ')}; load average ${loadBefore.map((v) => v.toFixed(1)).join('/')} before, ${loadAfter.map((v) => v.toFixed(1)).join('/')} after${node ? `; best Node: ${node.where}, ${node.threads} thread(s)` : ''}${browser ? `; best Chromium: ${browser.where}, ${browser.threads} thread(s)` : ''}`]
);
