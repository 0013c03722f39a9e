/**
 * The patrol outbox: actions recorded on the phone (often offline) waiting to reach the server,
 * each with an id made here, so that sending it twice applies it once (`POST /api/v1/sync`).
 * An item is never dropped by the app: it is `pending` until the server answers for it, then
 * `done`, `conflict` (the server applied what it could and says what changed meanwhile: shown
 * until dismissed) or `rejected` (kept for a retry or an explicit discard).
 */
import { newId } from '../id.ts';

export type ActionKind = 'session.start' | 'session.end' | 'observation' | 'violation';

/** The action as the server's sync endpoint takes it. */
export interface PatrolAction {
	id: string;
	kind: ActionKind;
	lotId: string;
	plate: string;
	at: number;
	sessionId?: string;
	vehicleClass?: string;
	confidence?: number;
	location?: { lat: number; lng: number; accuracyM?: number };
	evidenceKey?: string;
	note?: string;
	reason?: string;
}

export type ItemStatus = 'pending' | 'done' | 'conflict' | 'rejected';

export interface OutboxItem {
	id: string;
	action: PatrolAction;
	/** a photo waiting to be uploaded before the action is sent */
	photo?: Blob;
	status: ItemStatus;
	attempts: number;
	/** the server's word on a conflict or rejection */
	code?: string;
	message?: string;
	/** the server's session for a start/end */
	sessionId?: string | null;
	createdAt: number;
	updatedAt: number;
}

/** Where the items live: IndexedDB in the app, memory in tests. */
export interface OutboxStore {
	all(): Promise<OutboxItem[]>;
	get(id: string): Promise<OutboxItem | undefined>;
	put(item: OutboxItem): Promise<void>;
	delete(id: string): Promise<void>;
}

/** Makes a new pending item (the id is the action's, made here). */
export function newItem(action: Omit<PatrolAction, 'id'>, now: number, photo?: Blob): OutboxItem {
	const id = newId();
	return { id, action: { ...action, id }, ...(photo ? { photo } : {}), status: 'pending', attempts: 0, createdAt: now, updatedAt: now };
}

/** Pending items, oldest first (a start recorded before an end is sent before it). */
export function pendingOf(items: readonly OutboxItem[]): OutboxItem[] {
	return items.filter((i) => i.status === 'pending').sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** What the outbox holds, for the badge and the list. */
export function countsOf(items: readonly OutboxItem[]): Record<ItemStatus, number> {
	const out: Record<ItemStatus, number> = { pending: 0, done: 0, conflict: 0, rejected: 0 };
	for (const i of items) out[i.status]++;
	return out;
}

/** A rejected (or conflicting) item sent again. */
export async function retryItem(store: OutboxStore, id: string, now: number): Promise<void> {
	const item = await store.get(id);
	if (!item || item.status === 'done' || item.status === 'pending') return;
	await store.put({ ...item, status: 'pending', code: undefined, message: undefined, updatedAt: now });
}

/** The user gave up on a rejected item, or read a conflict: only then does it leave. */
export async function discardItem(store: OutboxStore, id: string): Promise<void> {
	const item = await store.get(id);
	if (item && item.status !== 'pending') await store.delete(id);
}

/** Done items older than `keepMs` are forgotten (the server has them). */
export async function pruneDone(store: OutboxStore, now: number, keepMs = 24 * 3600_000): Promise<void> {
	for (const i of await store.all()) if (i.status === 'done' && now - i.updatedAt > keepMs) await store.delete(i.id);
}

/** An outbox in memory (tests; browsers without IndexedDB). */
export class MemoryOutboxStore implements OutboxStore {
	readonly items = new Map<string, OutboxItem>();
	async all() {
		return [...this.items.values()].map((i) => ({ ...i }));
	}
	async get(id: string) {
		const i = this.items.get(id);
		return i && { ...i };
	}
	async put(item: OutboxItem) {
		this.items.set(item.id, { ...item });
	}
	async delete(id: string) {
		this.items.delete(id);
	}
}
