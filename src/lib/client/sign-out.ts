/**
 * Signing out of a shared phone: what one account did and saw must not be there for the next.
 * Before the sign-out form is sent: what the outbox holds is sent; what still has not reached the
 * server (offline, or refused) is deleted only if the user says so; then the outbox, the lots'
 * snapshots and the cached pages are cleared. The app shell and the models stay: they are the
 * same for everyone.
 */
import { pendingOf } from './outbox.ts';
import { clearAll, openIdbOutbox } from './outbox-idb.ts';
import { outbox } from './outbox.svelte.ts';
import { PAGES_CACHE } from './sw-protocol.ts';
import { syncOutbox } from './sync.ts';

/** What {@link prepareSignOut} asks the user; `window.confirm` in the page. */
export type Ask = (question: string) => boolean;

/**
 * Gets the device ready for the sign-out request.
 * @returns false when the user chose to stay signed in (unsent actions kept)
 */
export async function prepareSignOut(ask: Ask = (q) => window.confirm(q)): Promise<boolean> {
	let unsent = 0;
	try {
		const store = await openIdbOutbox();
		if (pendingOf(await store.all()).length > 0) await syncOutbox(store, { fetch: (...a) => fetch(...a) });
		unsent = (await store.all()).filter((i) => i.status === 'pending' || i.status === 'rejected').length;
		// the page's list shows what was just sent, if the user stays
		await outbox.refresh();
	} catch {
		// no IndexedDB: nothing kept on this device
	}
	if (unsent > 0) {
		const what = unsent === 1 ? '1 recorded action has' : `${unsent} recorded actions have`;
		if (!ask(`${what} not reached the server. Signing out deletes ${unsent === 1 ? 'it' : 'them'} from this device. Sign out anyway?`)) return false;
	}
	await Promise.all([clearAll().catch(() => {}), typeof caches === 'undefined' ? null : caches.delete(PAGES_CACHE)]);
	return true;
}
