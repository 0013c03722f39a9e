/**
 * Live events for streams (SSE): every app instance tails the `events` table, so an event
 * written by one instance reaches the subscribers of all of them. Polls only while someone listens.
 * The table's sequence is the same for every instance, so a stream that reconnects to another
 * instance with the last id it saw (`Last-Event-ID`) resumes without a gap.
 */
import type { Database } from '../db/database.ts';
import { log } from '../log.ts';
import { eventsAfter, lastEventSeq, type EventRow } from './events.repo.ts';

export type LiveEvent = EventRow;
type Listener = (event: LiveEvent) => void;

interface Subscription {
	lotId: string | null;
	/** the last event this listener got (or asked to resume after); null: from now on */
	lastSeen: number | null;
}

/** How many missed events a resuming stream is sent at most (older ones are skipped). */
export const RESUME_LIMIT = 1000;
/** Longest wait between polls while the database is away. */
const MAX_BACKOFF_MS = 5_000;

export class EventHub {
	readonly #db: Database;
	readonly #pollMs: number;
	readonly #listeners = new Map<Listener, Subscription>();
	#seq: number | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#failures = 0;

	constructor(db: Database, pollMs = 250) {
		this.#db = db;
		this.#pollMs = pollMs;
	}

	/**
	 * Calls `listener` for each new event (of `lotId` only, when given) until the returned function
	 * is called.
	 * @param after resume: first send the events after this sequence number (at most {@link RESUME_LIMIT})
	 */
	subscribe(lotId: string | null, listener: Listener, after: number | null = null): () => void {
		this.#listeners.set(listener, { lotId, lastSeen: after });
		if (!this.#timer) this.#schedule(0);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	/**
	 * The sequence number of the newest event: where a new stream starts, so that it misses
	 * nothing even if the database goes away before the hub's next poll.
	 */
	async cursor(): Promise<number> {
		return this.#seq ?? (await this.#db.run((x) => lastEventSeq(x)));
	}

	get listenerCount(): number {
		return this.#listeners.size;
	}

	#schedule(delay: number): void {
		this.#timer = setTimeout(() => void this.#poll(), delay);
		this.#timer.unref?.();
	}

	async #poll(): Promise<void> {
		if (this.#listeners.size === 0) {
			// nobody listens: stop, and start from the newest event when somebody does again
			this.#timer = null;
			this.#seq = null;
			return;
		}
		try {
			this.#seq ??= await this.#db.run((x) => lastEventSeq(x));
			// listeners resuming from an older event catch up to the hub's cursor first, each from its
			// own; everything after the cursor reaches everyone through the batches below
			for (const [listener, sub] of this.#listeners) if (sub.lastSeen !== null && sub.lastSeen < this.#seq) await this.#catchUp(listener, sub, this.#seq);
			for (;;) {
				const batch = await this.#db.run((x) => eventsAfter(x, this.#seq!, 500));
				for (const event of batch) {
					this.#seq = event.seq;
					for (const [listener, sub] of this.#listeners) this.#deliver(listener, sub, event);
				}
				if (batch.length < 500) break;
			}
			if (this.#failures > 0) log('info', 'event tail resumed', { after_failures: this.#failures });
			this.#failures = 0;
		} catch (error) {
			// the database away: keep the streams open and try again, less often while it lasts
			if (this.#failures === 0) log('warn', 'event tail failed; retrying', { error: String(error) });
			this.#failures++;
		}
		this.#schedule(this.#failures ? Math.min(MAX_BACKOFF_MS, this.#pollMs * 2 ** this.#failures) : this.#pollMs);
	}

	async #catchUp(listener: Listener, sub: Subscription, upTo: number): Promise<void> {
		// sequence numbers are an auto-increment: the last RESUME_LIMIT of them at most
		const from = Math.max(sub.lastSeen!, upTo - RESUME_LIMIT);
		const missed = await this.#db.run((x) => eventsAfter(x, from, RESUME_LIMIT));
		for (const event of missed) if (event.seq <= upTo) this.#deliver(listener, sub, event);
		sub.lastSeen = upTo;
	}

	#deliver(listener: Listener, sub: Subscription, event: LiveEvent): void {
		if (sub.lastSeen !== null && event.seq <= sub.lastSeen) return;
		sub.lastSeen = event.seq;
		if (sub.lotId === null || sub.lotId === event.lotId) listener(event);
	}
}
