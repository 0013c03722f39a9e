/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The PWA's service worker (Workbox):
 * - the app shell (kit's `build` and `files`, the offline page) precached at install;
 * - the plate worker's big files (models, ORT WASM, OpenCV.js) kept out of that precache, in a
 *   runtime cache named after their version (`/lpr/manifest.json`), warmed after install with
 *   progress reported to the page, served cache-first;
 * - pages network-first (a cached copy when offline, else the offline page);
 * - Background Sync of the patrol outbox where the browser has it.
 * A new version waits until the page asks it to take over (the page's update prompt).
 */
import { build, files, version } from '$service-worker';
import { cleanupOutdatedCaches, precacheAndRoute, matchPrecache } from 'workbox-precaching';
import { registerRoute, setCatchHandler } from 'workbox-routing';
import { NetworkFirst, NetworkOnly } from 'workbox-strategies';
import { syncOutbox } from '$lib/client/sync';
import { openIdbOutbox } from '$lib/client/outbox-idb';
import { isLprChunk, LPR_CACHE_PREFIX, type WarmMessage } from '$lib/client/sw-protocol';

declare const self: ServiceWorkerGlobalScope;

const OFFLINE_URL = '/offline';
const PAGES_CACHE = 'spms-pages';

const shell = [...build, ...files].filter((url) => !isLprChunk(url));
precacheAndRoute([...shell.map((url) => ({ url, revision: build.includes(url) ? null : version })), { url: OFFLINE_URL, revision: version }]);
cleanupOutdatedCaches();

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
		if (hit) return hit;
		return fetch(request);
	}
);

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
	if (request.destination === 'document') return (await matchPrecache(OFFLINE_URL)) ?? Response.error();
	return Response.error();
});

/** Keeps a copy of a page the user has open (the first visit was loaded before this worker). */
async function keepPage(path: string): Promise<void> {
	const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'text/html' } });
	if (res.ok && !res.redirected) await (await caches.open(PAGES_CACHE)).put(path, res);
}

// ---- life cycle and messages --------------------------------------------------------------------

self.addEventListener('install', () => {
	// the first install takes over at once; an update waits for the page's prompt
	if (!self.registration.active) void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
	event.waitUntil(self.clients.claim());
	void warm().catch(() => {});
});

self.addEventListener('message', (event) => {
	const data = event.data as { type?: string; page?: string } | null;
	if (data?.type === 'skip-waiting') void self.skipWaiting();
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

// Background Sync: the outbox is sent even when the app is closed (Chromium).
self.addEventListener('sync', (event) => {
	const e = event as ExtendableEvent & { tag: string };
	if (e.tag === 'outbox') e.waitUntil(openIdbOutbox().then((store) => syncOutbox(store, { fetch: (...a) => fetch(...a) })));
});
