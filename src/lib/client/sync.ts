/**
 * Sends the outbox to the server: photos first (a presigned PUT each), then the actions in
 * batches to `POST /api/v1/sync`, which applies each action id once. Safe to run from the page
 * and from the service worker at the same time (a Web Lock serialises them, and the server is
 * idempotent anyway), and safe to cut off at any point: an item stays pending until an answer
 * for it has been stored here.
 */
import { pendingOf, type OutboxItem, type OutboxStore } from './outbox.ts';

export interface SyncDeps {
	fetch: typeof fetch;
	now?: () => number;
	/** actions per request (default 50) */
	batch?: number;
}

export interface SyncReport {
	sent: number;
	applied: number;
	conflicts: number;
	rejected: number;
	/** items still pending: the network or the server failed, try later */
	left: number;
	/** why it stopped early: `offline`, `signed_out`, `server` */
	stopped?: 'offline' | 'signed_out' | 'server';
}

interface ServerResult {
	id: string | null;
	status: 'applied' | 'conflict' | 'rejected' | 'retry';
	code?: string;
	message?: string;
	sessionId?: string | null;
}

class Stop extends Error {
	readonly why: NonNullable<SyncReport['stopped']>;
	constructor(why: NonNullable<SyncReport['stopped']>) {
		super(why);
		this.why = why;
	}
}

async function call(deps: SyncDeps, url: string, init: RequestInit): Promise<Response> {
	let res: Response;
	try {
		res = await deps.fetch(url, { credentials: 'same-origin', ...init });
	} catch {
		throw new Stop('offline');
	}
	if (res.status === 401) throw new Stop('signed_out');
	if (res.status >= 500 || res.status === 429) throw new Stop('server');
	return res;
}

/** Uploads an item's photo and keeps its storage key on the action. */
async function uploadPhoto(store: OutboxStore, item: OutboxItem, deps: SyncDeps, now: number): Promise<OutboxItem> {
	const photo = item.photo!;
	const ask = await call(deps, '/api/v1/evidence-uploads', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ lotId: item.action.lotId, contentType: photo.type || 'image/jpeg', bytes: photo.size })
	});
	if (!ask.ok) return reject(store, item, ask, now);
	const upload = (await ask.json()) as { key: string; url: string; method: string; headers: Record<string, string> };
	const put = await call(deps, upload.url, { method: upload.method, headers: upload.headers, body: photo });
	if (!put.ok) throw new Stop('server');
	const next: OutboxItem = { ...item, photo: undefined, action: { ...item.action, evidenceKey: upload.key }, updatedAt: now };
	await store.put(next);
	return next;
}

async function reject(store: OutboxStore, item: OutboxItem, res: Response, now: number): Promise<OutboxItem> {
	const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
	const next: OutboxItem = { ...item, status: 'rejected', code: body?.error?.code ?? `http_${res.status}`, message: body?.error?.message ?? `The server refused the photo (${res.status}).`, updatedAt: now };
	await store.put(next);
	return next;
}

async function sendBatch(store: OutboxStore, items: OutboxItem[], deps: SyncDeps, report: SyncReport): Promise<void> {
	const now = deps.now ?? Date.now;
	for (const i of items) await store.put({ ...i, attempts: i.attempts + 1, updatedAt: now() });
	const res = await call(deps, '/api/v1/sync', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ actions: items.map((i) => i.action) }) });
	report.sent += items.length;
	if (!res.ok) {
		// the whole request refused (a 4xx other than 401): every item of it is rejected, kept
		for (const i of items) await reject(store, (await store.get(i.id)) ?? i, res.clone(), now());
		report.rejected += items.length;
		return;
	}
	const { results } = (await res.json()) as { results: ServerResult[] };
	for (const [n, r] of results.entries()) {
		const item = await store.get((items.find((i) => i.id === r.id) ?? items[n])?.id ?? '');
		if (!item || item.status !== 'pending') continue;
		if (r.status === 'retry') continue;
		const status = r.status === 'applied' ? 'done' : r.status;
		await store.put({ ...item, status, code: r.code, message: r.message, sessionId: r.sessionId ?? null, updatedAt: now() });
		if (r.status === 'applied') report.applied++;
		else if (r.status === 'conflict') report.conflicts++;
		else report.rejected++;
	}
}

/**
 * Sends every pending item once. Never throws for the network: the report says what is left.
 * @example const report = await syncOutbox(await openIdbOutbox(), { fetch });
 */
export async function syncOutbox(store: OutboxStore, deps: SyncDeps): Promise<SyncReport> {
	const run = () => syncLocked(store, deps);
	const locks = (globalThis.navigator as Navigator | undefined)?.locks;
	return locks ? locks.request('spms-outbox-sync', run) : run();
}

async function syncLocked(store: OutboxStore, deps: SyncDeps): Promise<SyncReport> {
	const now = deps.now ?? Date.now;
	const report: SyncReport = { sent: 0, applied: 0, conflicts: 0, rejected: 0, left: 0 };
	try {
		let pending = pendingOf(await store.all());
		for (let i = 0; i < pending.length; i++) if (pending[i]!.photo) pending[i] = await uploadPhoto(store, pending[i]!, deps, now());
		pending = pending.filter((p) => p.status === 'pending');
		const size = deps.batch ?? 50;
		for (let i = 0; i < pending.length; i += size) await sendBatch(store, pending.slice(i, i + size), deps, report);
	} catch (error) {
		if (!(error instanceof Stop)) throw error;
		report.stopped = error.why;
	}
	report.left = pendingOf(await store.all()).length;
	return report;
}
