/**
 * The big files the browser's plate worker needs — the models with their contracts (the corner
 * refiner's when it is there) and ORT's WASM — served from the source tree (`models/`, `node_modules/onnxruntime-web/dist`) under
 * `/lpr/`, with a manifest naming their sizes and a version made from their contents. The
 * service worker keeps them in a runtime cache named after that version, so retraining a model
 * (or upgrading ORT) makes phones fetch the new files once, and nothing else.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip, constants as zlib } from 'node:zlib';
import { notFound } from '../http/errors.ts';

const ROOT = process.cwd();

/**
 * URL name → file and type. Nothing outside this list is served. `gzip`: served as a gzip of the
 * file, made once per file version (the worker inflates it). `unlisted`: served, not in the
 * manifest (for pages of an older version still open). `optional`: a group of files that are
 * listed and served only while every file of the group is there, and are otherwise a 404 (the
 * corner refiner: the page loads it when the manifest lists it).
 */
const FILES: Record<string, { path: string; type: string; gzip?: true; unlisted?: true; optional?: string }> = {
	'detector.onnx': { path: 'models/detector.onnx', type: 'application/octet-stream' },
	'detector.json': { path: 'models/detector.json', type: 'application/json' },
	'reader.onnx': { path: 'models/reader.onnx', type: 'application/octet-stream' },
	'reader.json': { path: 'models/reader.json', type: 'application/json' },
	'refiner.onnx': { path: 'models/refiner.onnx', type: 'application/octet-stream', optional: 'refiner' },
	'refiner.json': { path: 'models/refiner.json', type: 'application/json', optional: 'refiner' },
	// ORT's WASM gzip at rest: 3.7 of 14.2 MB to download and to keep in the phone's cache
	'ort-wasm-simd-threaded.wasm.gz': { path: 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', type: 'application/gzip', gzip: true },
	'ort-wasm-simd-threaded.wasm': { path: 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', type: 'application/wasm', unlisted: true },
	'ort-wasm-simd-threaded.mjs': { path: 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs', type: 'text/javascript' }
};

export interface LprManifest {
	/** changes when any file's contents change */
	version: string;
	files: Array<{ url: string; bytes: number; sha256: string }>;
}

const hashes = new Map<string, { key: string; sha256: string; bytes: number; gzipped: Buffer | null }>();

async function fileInfo(name: string): Promise<{ bytes: number; sha256: string; mtimeMs: number; gzipped: Buffer | null }> {
	const entry = FILES[name]!;
	const file = resolve(ROOT, entry.path);
	const s = await stat(file);
	const key = `${s.size}:${s.mtimeMs}`;
	let cached = hashes.get(name);
	if (cached?.key !== key) {
		const raw = await readFile(file);
		if (entry.gzip) {
			const gzipped = await promisify(gzip)(raw, { level: zlib.Z_BEST_COMPRESSION });
			cached = { key, sha256: createHash('sha256').update(gzipped).digest('hex'), bytes: gzipped.length, gzipped };
		} else cached = { key, sha256: createHash('sha256').update(raw).digest('hex'), bytes: s.size, gzipped: null };
		hashes.set(name, cached);
	}
	return { bytes: cached.bytes, sha256: cached.sha256, mtimeMs: s.mtimeMs, gzipped: cached.gzipped };
}

/** Whether a file is on offer: always, or for an optional one, while its whole group is there. */
async function offered(name: string): Promise<boolean> {
	const group = FILES[name]!.optional;
	if (group === undefined) return true;
	const members = Object.values(FILES).filter((f) => f.optional === group);
	const found = await Promise.all(members.map((f) => stat(resolve(ROOT, f.path)).then((s) => s.isFile(), () => false)));
	return found.every(Boolean);
}

/**
 * The built plate worker and its chunks (OpenCV.js): content-hashed names, served here as
 * `/lpr/<name>` rather than by the static files, so that they get the app's headers: a worker of a
 * cross-origin isolated page must send COEP itself (and its own CSP, none: OpenCV.js evaluates
 * strings, which the pages' CSP forbids and a worker made from a blob would inherit).
 */
const WORKERS = 'build/client/_app/immutable/workers';
const WORKER_NAME = /^[\w-]+\.js$/;

async function workerBundle(): Promise<Array<{ url: string; bytes: number; sha256: string }>> {
	const dir = resolve(ROOT, WORKERS);
	const names = await readdir(dir).catch(() => [] as string[]);
	const out = [];
	for (const name of names.filter((n) => WORKER_NAME.test(n)).sort()) {
		const s = await stat(resolve(dir, name));
		// the file name carries the content hash
		out.push({ url: `/lpr/${name}`, bytes: s.size, sha256: name });
	}
	return out;
}

/**
 * The manifest of the plate worker's files: `/lpr/` (models, WASM; hashes recomputed only for
 * files that changed) and the built worker bundle.
 */
export async function lprManifest(): Promise<LprManifest> {
	const files = [];
	for (const name of Object.keys(FILES).filter((n) => !FILES[n]!.unlisted)) {
		if (!(await offered(name))) continue;
		const info = await fileInfo(name);
		files.push({ url: `/lpr/${name}`, bytes: info.bytes, sha256: info.sha256 });
	}
	files.push(...(await workerBundle()));
	const version = createHash('sha256').update(files.map((f) => `${f.url}:${f.sha256}`).join('\n')).digest('hex').slice(0, 16);
	return { version, files };
}

/**
 * One `/lpr/` file as a response, revalidated by ETag (the service worker's cache is what keeps
 * it offline; the HTTP cache must not serve a stale model after a retrain).
 * @throws {AppError} 404 for a name not on the list, or an optional file not on offer
 */
export async function lprFile(name: string, ifNoneMatch: string | null, acceptEncoding: string | null = null): Promise<Response> {
	// own keys only: `valueOf` or `constructor` are on every object's prototype, not on the list
	const entry = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
	if (!entry) return workerFile(name, acceptEncoding);
	if (!(await offered(name))) throw notFound('That file');
	const info = await fileInfo(name);
	const etag = `"${info.sha256.slice(0, 32)}"`;
	const headers = { 'content-type': entry.type, 'content-length': String(info.bytes), etag, 'cache-control': 'no-cache', 'cross-origin-resource-policy': 'same-origin' };
	if (ifNoneMatch === etag) return new Response(null, { status: 304, headers: { etag, 'cache-control': 'no-cache' } });
	if (info.gzipped) return new Response(new Uint8Array(info.gzipped), { headers });
	const body = Readable.toWeb(createReadStream(resolve(ROOT, entry.path))) as ReadableStream<Uint8Array>;
	return new Response(body, { headers });
}

/**
 * A file of the built worker bundle (its name is its version: cached for good), brotli or gzip
 * as the build precompressed it when the browser takes that (10.9 MB of OpenCV.js is 2.5 MB so).
 */
async function workerFile(name: string, acceptEncoding: string | null): Promise<Response> {
	const file = resolve(ROOT, WORKERS, name);
	if (!WORKER_NAME.test(name) || !(await stat(file).catch(() => null))?.isFile()) throw notFound('That file');
	const accepts = (acceptEncoding ?? '').split(',').map((e) => e.trim().split(';')[0]);
	let sent = { path: file, encoding: null as string | null };
	for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']] as const) {
		if (accepts.includes(encoding) && (await stat(file + ext).catch(() => null))?.isFile()) {
			sent = { path: file + ext, encoding };
			break;
		}
	}
	const headers: Record<string, string> = {
		'content-type': 'text/javascript',
		'content-length': String((await stat(sent.path)).size),
		'cache-control': 'public, max-age=31536000, immutable',
		'cross-origin-resource-policy': 'same-origin',
		vary: 'accept-encoding'
	};
	if (sent.encoding) headers['content-encoding'] = sent.encoding;
	return new Response(Readable.toWeb(createReadStream(sent.path)) as ReadableStream<Uint8Array>, { headers });
}
