/**
 * The lot the patrol works in and that lot's snapshot (active sessions, permits, hotlist,
 * plans), kept in IndexedDB so the scanner answers offline, refreshed every minute while online
 * and after each sync.
 */
import type { PatrolSnapshot } from '../parking/patrol-snapshot.ts';
import { kvGet, kvSet } from './outbox-idb.ts';

export interface LotChoice {
	id: string;
	name: string;
	country: string;
}

class Snapshots {
	lots = $state<LotChoice[]>([]);
	lotId = $state<string | null>(null);
	current = $state<PatrolSnapshot | null>(null);
	error = $state<string | null>(null);
	#timer: ReturnType<typeof setInterval> | undefined;

	async start(): Promise<void> {
		this.lots = (await kvGet<LotChoice[]>('lots').catch(() => undefined)) ?? [];
		this.lotId = (await kvGet<string>('lotId').catch(() => undefined)) ?? null;
		if (this.lotId) this.current = (await kvGet<PatrolSnapshot>(`snapshot:${this.lotId}`).catch(() => undefined)) ?? null;
		await this.loadLots();
		if (!this.lotId && this.lots.length > 0) await this.choose(this.lots[0]!.id);
		else await this.refresh();
		clearInterval(this.#timer);
		this.#timer = setInterval(() => void this.refresh(), 60_000);
		window.addEventListener('online', () => void this.refresh());
	}

	async loadLots(): Promise<void> {
		try {
			const res = await fetch('/api/v1/patrol/lots');
			if (!res.ok) throw new Error(`lots: ${res.status}`);
			this.lots = ((await res.json()) as { items: LotChoice[] }).items;
			await kvSet('lots', $state.snapshot(this.lots));
		} catch {
			/* offline: the lots we knew */
		}
	}

	async choose(lotId: string): Promise<void> {
		this.lotId = lotId;
		await kvSet('lotId', lotId);
		this.current = (await kvGet<PatrolSnapshot>(`snapshot:${lotId}`)) ?? null;
		await this.refresh();
	}

	/** Fetches a fresh snapshot; offline, the stored one stays. */
	async refresh(): Promise<void> {
		const lotId = this.lotId;
		if (!lotId) return;
		try {
			const res = await fetch(`/api/v1/patrol/snapshot?lotId=${encodeURIComponent(lotId)}`);
			if (!res.ok) {
				const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
				this.error = body?.error?.message ?? `The snapshot could not be loaded (${res.status}).`;
				return;
			}
			const snap = (await res.json()) as PatrolSnapshot;
			// kept for its lot even if the user switched lots meanwhile
			await kvSet(`snapshot:${lotId}`, snap);
			if (this.lotId !== lotId) return;
			this.current = snap;
			this.error = null;
		} catch {
			/* offline */
		}
	}
}

export const snapshots = new Snapshots();
