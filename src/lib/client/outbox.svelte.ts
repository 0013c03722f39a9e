/**
 * The outbox as the pages see it: items and counts kept current, sync triggered on app start,
 * on `online`, after each new item and every 30 s, and one `handleError` that shows the
 * server's message (and ignores an aborted request).
 */
import { countsOf, discardItem, newItem, pruneDone, retryItem, MemoryOutboxStore, type OutboxItem, type OutboxStore, type PatrolAction } from './outbox.ts';
import { openIdbOutbox } from './outbox-idb.ts';
import { pwa } from './pwa.svelte.ts';
import { syncOutbox, type SyncReport } from './sync.ts';

export function handleError(error: unknown): string | null {
	if ((error as { name?: string })?.name === 'AbortError') return null;
	return (error as Error)?.message ?? String(error);
}

class Outbox {
	items = $state<OutboxItem[]>([]);
	counts = $derived(countsOf(this.items));
	syncing = $state(false);
	last = $state<SyncReport | null>(null);
	#store: OutboxStore | null = null;
	#timer: ReturnType<typeof setInterval> | undefined;
	#again = false;

	async start(): Promise<void> {
		if (this.#store) return;
		try {
			this.#store = await openIdbOutbox();
		} catch {
			this.#store = new MemoryOutboxStore();
		}
		await pruneDone(this.#store, Date.now());
		await this.refresh();
		window.addEventListener('online', () => void this.sync());
		this.#timer = setInterval(() => void this.sync(), 30_000);
		void this.sync();
	}

	async refresh(): Promise<void> {
		if (!this.#store) return;
		this.items = (await this.#store.all()).sort((a, b) => b.createdAt - a.createdAt);
	}

	/** Records an action; it is sent now if online, else when the network returns. */
	async add(action: Omit<PatrolAction, 'id'>, photo?: Blob): Promise<OutboxItem> {
		const item = newItem(action, Date.now(), photo);
		await this.#store!.put(item);
		await this.refresh();
		void pwa.requestBackgroundSync();
		void this.sync();
		return item;
	}

	async retry(id: string): Promise<void> {
		await retryItem(this.#store!, id, Date.now());
		await this.refresh();
		void this.sync();
	}

	async discard(id: string): Promise<void> {
		await discardItem(this.#store!, id);
		await this.refresh();
	}

	/** Sends what is pending (a sync asked for while one runs runs again after it). */
	async sync(): Promise<void> {
		if (!this.#store) return;
		if (this.syncing) {
			this.#again = true;
			return;
		}
		this.syncing = true;
		try {
			do {
				this.#again = false;
				this.last = await syncOutbox(this.#store, { fetch: (...a) => fetch(...a) });
				await this.refresh();
			} while (this.#again);
		} catch (error) {
			console.warn('outbox sync failed', handleError(error));
		} finally {
			this.syncing = false;
		}
	}

	stop(): void {
		clearInterval(this.#timer);
	}
}

export const outbox = new Outbox();
