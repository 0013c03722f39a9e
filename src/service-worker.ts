/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The PWA's service worker (Workbox routing):
 * - the app shell precached at install: the files the offline routes load (`/_app/pwa-shell.json`,
 *   written by the build from its import graph: layout, /, /login, /patrol, /gate, /offline), the
 *   static files and the offline page; other pages' code (admin, chart.js) is kept when first
 *   loaded, never fetched ahead;
 * - the plate worker's big files (models, ORT WASM, OpenCV.js) kept out of that precache, in a
 *   runtime cache named after their version (`/lpr/manifest.json`), warmed after install with
 *   progress reported to the page, served cache-first;
 * - pages network-first (a cached copy when offline, else the offline page);
 * - Background Sync of the patrol outbox where the browser has it.
 * A new version waits until the page asks it to take over (the page's update prompt).
 */
import { build, files, version } from '$service-worker';
import { registerRoute, setCatchHandler } from 'workbox-routing';
import { NetworkFirst, NetworkOnly } from 'workbox-strategies';
import { syncOutbox } from '$lib/client/sync';
import { openIdbOutbox } from '$lib/client/outbox-idb';
import { CODE_CACHE, isLprChunk, LPR_CACHE_PREFIX, PAGES_CACHE, SHELL_CACHE_PREFIX, type WarmMessage } from '$lib/client/sw-protocol';

declare const self: ServiceWorkerGlobalScope;

const OFFLINE_URL = '/offline';
const SHELL_CACHE = `${SHELL_CACHE_PREFIX}${version}`;
const SHELL_LIST = '/_app/pwa-shell.json';
const code = new Set(build.filter((url) => !isLprChunk(url)));
const statics = new Set(files);

/**
 * What to precache: the build's shell list when it belongs to this build (every file in it is one
 * of ours), else everything the build made.
 */
async function shellList(): Promise<string[]> {
	let list = [...code];
	try {
		const res = await fetch(SHELL_LIST, { cache: 'no-store' });
		const listed = res.ok ? ((await res.json()) as { files?: unknown }).files : null;
		const shell = Array.isArray(listed) ? listed.filter((url) => typeof url !== 'string' || !isLprChunk(url)) : [];
		if (shell.length > 0 && shell.every((url) => typeof url === 'string' && code.has(url))) list = shell as string[];
	} catch {
		// no list: the whole build
	}
	return [...list, ...files, OFFLINE_URL];
}

async function fetchOk(url: string): Promise<Response> {
	const res = await fetch(url, { cache: 'no-cache', credentials: 'same-origin' });
	if (!res.ok || res.redirected) throw new Error(`precache ${url}: ${res.status}`);
	return res;
}

async function precacheShell(): Promise<void> {
	const cache = await caches.open(SHELL_CACHE);
	await Promise.all(
		(await shellList()).map(async (url) => {
			// a content-hashed file an earlier version holds is the same file: not fetched again
			const held = url.startsWith('/_app/immutable/') ? await caches.match(url) : undefined;
			await cache.put(url, held ?? (await fetchOk(url)));
		})
	);
}

/** Drops earlier versions' shells (and Workbox's precache of versions before this scheme), and code no longer built. */
async function dropOldCode(): Promise<void> {
	for (const name of await caches.keys()) {
		if ((name.startsWith(SHELL_CACHE_PREFIX) && name !== SHELL_CACHE) || name.startsWith('workbox-precache')) await caches.delete(name);
	}
	const kept = await caches.open(CODE_CACHE);
	for (const req of await kept.keys()) if (!code.has(new URL(req.url).pathname)) await kept.delete(req);
}

// the shell and every other built file: cache-first (their names carry their content hash)
registerRoute(
	({ url, request }) => url.origin === self.location.origin && request.method === 'GET' && (code.has(url.pathname) || statics.has(url.pathname)),
	async ({ request, url }) => {
		const hit = (await (await caches.open(SHELL_CACHE)).match(url.pathname)) ?? (await (await caches.open(CODE_CACHE)).match(url.pathname));
		if (hit) return hit;
		const res = await fetch(request);
		if (res.ok && code.has(url.pathname)) await (await caches.open(CODE_CACHE)).put(url.pathname, res.clone());
		return res;
	}
);

// ---- the plate worker's files ----------------------------------------------------------------

interface Manifest {
	version: string;
	files: Array<{ url: string; bytes: number }>;
}

/** The files to hold: the server's list (models, WASM, the built worker and OpenCV.js chunk). */
async function lprList(): Promise<{ cacheName: string; files: Array<{ url: string; bytes: number | null }>; manifest: Response | null }> {
	try {
		const res = await fetch('/lpr/manifest.json', { cache: 'no-store' });
		if (!res.ok) throw new Error(`manifest ${res.status}`);
		const manifest = (await res.clone().json()) as Manifest;
		return { cacheName: `${LPR_CACHE_PREFIX}${manifest.version}`, files: manifest.files, manifest: res };
	} catch {
		// offline: the newest cache we have
		const names = (await caches.keys()).filter((n) => n.startsWith(LPR_CACHE_PREFIX));
		if (names.length === 0) throw new Error('offline, and the models were never downloaded');
		const cache = await caches.open(names[names.length - 1]!);
		const keys = await cache.keys();
		return { cacheName: names[names.length - 1]!, files: keys.map((r) => ({ url: new URL(r.url).pathname, bytes: null })), manifest: null };
	}
}

let warming: Promise<void> | null = null;
const listeners = new Set<MessagePort>();

function tell(message: WarmMessage): void {
	for (const port of listeners) port.postMessage(message);
}

/** Downloads what is missing from the current version's cache, reporting bytes; once at a time. */
function warm(): Promise<void> {
	warming ??= (async () => {
		const { cacheName, files: list, manifest } = await lprList();
		const cache = await caches.open(cacheName);
		const missing: typeof list = [];
		let loaded = 0;
		let total = 0;
		for (const f of list) {
			const hit = await cache.match(f.url);
			const size = f.bytes ?? Number(hit?.headers.get('content-length') ?? 0);
			total += size;
			if (hit) loaded += size;
			else missing.push(f);
		}
		tell({ type: 'lpr-progress', loaded, total, done: missing.length === 0 });
		// start every download, learn the sizes not in the manifest from the headers, then stream
		const responses = await Promise.all(
			missing.map(async (f) => {
				const res = await fetch(f.url, { cache: 'no-store' });
				if (!res.ok || !res.body) throw new Error(`GET ${f.url}: ${res.status}`);
				if (f.bytes === null) total += Number(res.headers.get('content-length') ?? 0);
				return { f, res };
			})
		);
		await Promise.all(
			responses.map(async ({ f, res }) => {
				const reader = res.body!.getReader();
				const chunks: Uint8Array[] = [];
				for (;;) {
					const { done, value } = await reader.read();
					if (done) break;
					chunks.push(value);
					loaded += value.length;
					tell({ type: 'lpr-progress', loaded, total, done: false });
				}
				const headers = new Headers(res.headers);
				await cache.put(f.url, new Response(new Blob(chunks as BlobPart[]), { status: 200, headers }));
			})
		);
		if (manifest) await cache.put('/lpr/manifest.json', manifest);
		// this version complete: drop older versions and chunks of older builds
		for (const name of await caches.keys()) if (name.startsWith(LPR_CACHE_PREFIX) && name !== cacheName) await caches.delete(name);
		const wanted = new Set([...list.map((f) => f.url), '/lpr/manifest.json']);
		for (const req of await cache.keys()) if (!wanted.has(new URL(req.url).pathname)) await cache.delete(req);
		tell({ type: 'lpr-progress', loaded: total, total, done: true });
	})().finally(() => {
		warming = null;
	});
	return warming;
}

registerRoute(
	({ url, request }) => url.origin === self.location.origin && request.method === 'GET' && (url.pathname.startsWith('/lpr/') ? url.pathname !== '/lpr/manifest.json' : isLprChunk(url.pathname)),
	async ({ request, url }) => {
		const hit = await caches.match(url.pathname);
		return isolable(hit ?? (await fetch(request)));
	}
);

/**
 * The page is cross-origin isolated (COEP) for ORT's threads: its workers' scripts must say COEP
 * too, or the browser refuses them. Files cached before the server said so get it here.
 */
function isolable(res: Response): Response {
	const type = res.headers.get('content-type') ?? '';
	if (!res.ok || !/javascript/.test(type) || res.headers.has('cross-origin-embedder-policy')) return res;
	const headers = new Headers(res.headers);
	headers.set('cross-origin-embedder-policy', 'credentialless');
	return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

// ---- pages and the API -------------------------------------------------------------------------

// the API is never cached here: the app keeps its own snapshot and outbox in IndexedDB
registerRoute(({ url }) => url.pathname.startsWith('/api/'), new NetworkOnly());

const pages = new NetworkFirst({
	cacheName: PAGES_CACHE,
	networkTimeoutSeconds: 4,
	plugins: [
		{
			// a page that redirected (to /login, say) is not the page asked for
			cacheWillUpdate: async ({ response }) => (response.status === 200 && !response.redirected ? response : null)
		}
	]
});
registerRoute(({ request }) => request.mode === 'navigate', pages);

setCatchHandler(async ({ request }) => {
	if (request.destination === 'document') return (await (await caches.open(SHELL_CACHE)).match(OFFLINE_URL)) ?? Response.error();
	return Response.error();
});

/** Keeps a copy of a page the user has open (the first visit was loaded before this worker). */
async function keepPage(path: string): Promise<void> {
	const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'text/html' } });
	if (res.ok && !res.redirected) await (await caches.open(PAGES_CACHE)).put(path, res);
}

// ---- life cycle and messages --------------------------------------------------------------------

self.addEventListener('install', (event) => {
	// the first install takes over at once; an update waits for the page's prompt
	if (!self.registration.active) void self.skipWaiting();
	event.waitUntil(precacheShell());
});

self.addEventListener('activate', (event) => {
	event.waitUntil(Promise.all([self.clients.claim(), dropOldCode()]));
	void warm().catch(() => {});
});

self.addEventListener('message', (event) => {
	const data = event.data as { type?: string; page?: string } | null;
	if (data?.type === 'skip-waiting') void self.skipWaiting();
	// which version this is (the update prompt's test asks)
	if (data?.type === 'version') event.ports[0]?.postMessage({ type: 'version', version });
	if (data?.type === 'lpr-warm') {
		const port = event.ports[0];
		if (port) listeners.add(port);
		const work = Promise.all([warm(), data.page ? keepPage(data.page).catch(() => {}) : null]);
		event.waitUntil(
			work.then(
				() => {
					port?.postMessage({ type: 'lpr-ready' } satisfies WarmMessage);
					if (port) listeners.delete(port);
				},
				(error: unknown) => {
					port?.postMessage({ type: 'lpr-error', message: String((error as Error)?.message ?? error) } satisfies WarmMessage);
					if (port) listeners.delete(port);
				}
			)
		);
	}
});

// Background Sync: the outbox is sent even when the app is closed (Chromium). Items left (no
// network, the server away) fail the event, so the browser tries again later.
self.addEventListener('sync', (event) => {
	const e = event as ExtendableEvent & { tag: string };
	if (e.tag !== 'outbox') return;
	e.waitUntil(
		openIdbOutbox()
			.then((store) => syncOutbox(store, { fetch: (...a) => fetch(...a) }))
			.then((report) => {
				if (report.left > 0 && report.stopped !== 'signed_out') throw new Error(`outbox: ${report.left} left (${report.stopped ?? 'unsent'})`);
			})
	);
});
