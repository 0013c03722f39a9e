/**
 * IndexedDB behind the outbox and the offline snapshot: one database `spms`, an `outbox` store
 * keyed by item id and a `kv` store (snapshots by lot, the chosen lot). Usable from the page and
 * from the service worker (Background Sync).
 */
import type { OutboxItem, OutboxStore } from './outbox.ts';

const DB = 'spms';
const VERSION = 1;

let opening: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
	opening ??= new Promise((resolve, reject) => {
		const req = indexedDB.open(DB, VERSION);
		req.onupgradeneeded = () => {
			const db = req.result;
			if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'id' });
			if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
		};
		req.onsuccess = () => {
			const db = req.result;
			// another tab upgrading: let it, and reopen next time
			db.onversionchange = () => {
				db.close();
				opening = null;
			};
			resolve(db);
		};
		req.onerror = () => {
			opening = null;
			reject(req.error ?? new Error('IndexedDB would not open'));
		};
	});
	return opening;
}

function run<T>(store: 'outbox' | 'kv', mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T> {
	return openDb().then(
		(db) =>
			new Promise<T>((resolve, reject) => {
				const tx = db.transaction(store, mode);
				const req = fn(tx.objectStore(store));
				// resolve when the transaction is durable, not when the request succeeded
				tx.oncomplete = () => resolve(req ? req.result : (undefined as T));
				tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
				tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
			})
	);
}

/** The outbox in IndexedDB. */
export async function openIdbOutbox(): Promise<OutboxStore> {
	await openDb();
	return {
		all: () => run<OutboxItem[]>('outbox', 'readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>),
		get: (id) => run<OutboxItem | undefined>('outbox', 'readonly', (s) => s.get(id) as IDBRequest<OutboxItem | undefined>),
		put: (item) => run<void>('outbox', 'readwrite', (s) => void s.put(item)),
		delete: (id) => run<void>('outbox', 'readwrite', (s) => void s.delete(id))
	};
}

/** A value kept across reloads (snapshots, settings). */
export function kvGet<T>(key: string): Promise<T | undefined> {
	return run<T | undefined>('kv', 'readonly', (s) => s.get(key) as IDBRequest<T | undefined>);
}

export function kvSet(key: string, value: unknown): Promise<void> {
	return run<void>('kv', 'readwrite', (s) => void s.put(value, key));
}

/** Empties the outbox and the kept values (snapshots, the chosen lot): what one account left. */
export function clearAll(): Promise<void> {
	return openDb().then(
		(db) =>
			new Promise<void>((resolve, reject) => {
				const tx = db.transaction(['outbox', 'kv'], 'readwrite');
				tx.objectStore('outbox').clear();
				tx.objectStore('kv').clear();
				tx.oncomplete = () => resolve();
				tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
				tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
			})
	);
}
