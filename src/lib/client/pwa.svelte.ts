/**
 * The installed app's state for the pages: the service worker registration and its update
 * prompt, whether the browser keeps our storage, and whether we are online.
 */

class Pwa {
	/** a new version is installed and waiting for the user's go */
	updateReady = $state(false);
	online = $state(true);
	/** null until asked; true when the browser promised not to evict our storage */
	persisted = $state<boolean | null>(null);
	/** the service worker controls this page (offline reloads will work) */
	controlled = $state(false);
	#registration: ServiceWorkerRegistration | null = null;
	#started = false;
	#reloading = false;

	/** Registers the service worker once per page load (kit's auto-registration is off). */
	start(): void {
		if (this.#started || typeof window === 'undefined') return;
		this.#started = true;
		this.online = navigator.onLine;
		window.addEventListener('online', () => (this.online = true));
		window.addEventListener('offline', () => (this.online = false));
		if (!('serviceWorker' in navigator)) return;
		this.controlled = navigator.serviceWorker.controller !== null;
		navigator.serviceWorker.addEventListener('controllerchange', () => {
			this.controlled = true;
			// the user asked for the new version: load it
			if (this.#reloading) location.reload();
		});
		navigator.serviceWorker
			.register('/service-worker.js', { type: import.meta.env.DEV ? 'module' : 'classic' })
			.then((reg) => {
				this.#registration = reg;
				const watch = (sw: ServiceWorker | null) => {
					sw?.addEventListener('statechange', () => {
						if (sw.state === 'installed' && navigator.serviceWorker.controller) this.updateReady = true;
					});
				};
				if (reg.waiting && navigator.serviceWorker.controller) this.updateReady = true;
				watch(reg.installing);
				reg.addEventListener('updatefound', () => watch(reg.installing));
			})
			.catch((error: unknown) => console.warn('service worker not registered', error));
	}

	/** Asks the waiting version to take over; the page reloads when it has. */
	applyUpdate(): void {
		const waiting = this.#registration?.waiting;
		if (!waiting) return;
		this.#reloading = true;
		waiting.postMessage({ type: 'skip-waiting' });
	}

	/** Asks to keep our storage (outbox, models) from eviction. */
	async persist(): Promise<void> {
		if (!navigator.storage?.persist) return;
		this.persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
	}

	/** Background Sync of the outbox, where the browser has it. */
	async requestBackgroundSync(): Promise<void> {
		const reg = this.#registration ?? (await navigator.serviceWorker?.ready);
		const sync = (reg as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined)?.sync;
		await sync?.register('outbox').catch(() => {});
	}
}

export const pwa = new Pwa();
