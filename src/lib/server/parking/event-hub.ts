/**
 * Live events for streams (SSE): every app instance tails the `events` table, so an event
 * written by one instance reaches the subscribers of all of them. Polls only while someone listens.
 */
import type { Database } from '../db/database.ts';
import { log } from '../log.ts';
import { eventsAfter, lastEventSeq, type EventRow } from './events.repo.ts';

export type LiveEvent = EventRow;
type Listener = (event: LiveEvent) => void;

export class EventHub {
	readonly #db: Database;
	readonly #pollMs: number;
	readonly #listeners = new Map<Listener, string | null>();
	#seq: number | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;

	constructor(db: Database, pollMs = 250) {
		this.#db = db;
		this.#pollMs = pollMs;
	}

	/**
	 * Calls `listener` for each new event (of `lotId` only, when given) until the returned function
	 * is called.
	 */
	subscribe(lotId: string | null, listener: Listener): () => void {
		this.#listeners.set(listener, lotId);
		if (!this.#timer) this.#schedule(0);
		return () => {
			this.#listeners.delete(listener);
		};
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
			for (;;) {
				const batch = await this.#db.run((x) => eventsAfter(x, this.#seq!, 500));
				for (const event of batch) {
					this.#seq = event.seq;
					for (const [listener, lotId] of this.#listeners) if (lotId === null || lotId === event.lotId) listener(event);
				}
				if (batch.length < 500) break;
			}
		} catch (error) {
			log('warn', 'event tail failed; retrying', { error: String(error) });
		}
		this.#schedule(this.#pollMs);
	}
}
