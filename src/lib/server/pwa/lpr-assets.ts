/**
 * The big files the browser's plate worker needs — both models with their contracts and ORT's
 * WASM — served from the source tree (`models/`, `node_modules/onnxruntime-web/dist`) under
 * `/lpr/`, with a manifest naming their sizes and a version made from their contents. The
 * service worker keeps them in a runtime cache named after that version, so retraining a model
 * (or upgrading ORT) makes phones fetch the new files once, and nothing else.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { resolve } from 'node:path';
import { notFound } from '../http/errors.ts';

const ROOT = process.cwd();

/** URL name → file and type. Nothing outside this list is served. */
const FILES: Record<string, { path: string; type: string }> = {
	'detector.onnx': { path: 'models/detector.onnx', type: 'application/octet-stream' },
	'detector.json': { path: 'models/detector.json', type: 'application/json' },
	'reader.onnx': { path: 'models/reader.onnx', type: 'application/octet-stream' },
	'reader.json': { path: 'models/reader.json', type: 'application/json' },
	'ort-wasm-simd-threaded.wasm': { path: 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', type: 'application/wasm' },
	'ort-wasm-simd-threaded.mjs': { path: 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs', type: 'text/javascript' }
};

export interface LprManifest {
	/** changes when any file's contents change */
	version: string;
	files: Array<{ url: string; bytes: number; sha256: string }>;
}

const hashes = new Map<string, { key: string; sha256: string }>();

async function fileInfo(name: string): Promise<{ bytes: number; sha256: string; mtimeMs: number }> {
	const file = resolve(ROOT, FILES[name]!.path);
	const s = await stat(file);
	const key = `${s.size}:${s.mtimeMs}`;
	let cached = hashes.get(name);
	if (cached?.key !== key) {
		cached = { key, sha256: createHash('sha256').update(await readFile(file)).digest('hex') };
		hashes.set(name, cached);
	}
	return { bytes: s.size, sha256: cached.sha256, mtimeMs: s.mtimeMs };
}

/** The built plate worker and its chunks (OpenCV.js): content-hashed names, served by the app. */
const WORKERS = 'build/client/_app/immutable/workers';

async function workerBundle(): Promise<Array<{ url: string; bytes: number; sha256: string }>> {
	const dir = resolve(ROOT, WORKERS);
	const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
	const out = [];
	for (const name of names.filter((n) => n.endsWith('.js')).sort()) {
		const s = await stat(resolve(dir, name));
		// the file name carries the content hash
		out.push({ url: `/_app/immutable/workers/${name.split('\\').join('/')}`, bytes: s.size, sha256: name });
	}
	return out;
}

/**
 * The manifest of the plate worker's files: `/lpr/` (models, WASM; hashes recomputed only for
 * files that changed) and the built worker bundle.
 */
export async function lprManifest(): Promise<LprManifest> {
	const files = [];
	for (const name of Object.keys(FILES)) {
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
 * @throws {AppError} 404 for a name not on the list
 */
export async function lprFile(name: string, ifNoneMatch: string | null): Promise<Response> {
	const entry = FILES[name];
	if (!entry) throw notFound('That file');
	const info = await fileInfo(name);
	const etag = `"${info.sha256.slice(0, 32)}"`;
	const headers = { 'content-type': entry.type, 'content-length': String(info.bytes), etag, 'cache-control': 'no-cache', 'cross-origin-resource-policy': 'same-origin' };
	if (ifNoneMatch === etag) return new Response(null, { status: 304, headers: { etag, 'cache-control': 'no-cache' } });
	const body = Readable.toWeb(createReadStream(resolve(ROOT, entry.path))) as ReadableStream<Uint8Array>;
	return new Response(body, { headers });
}
