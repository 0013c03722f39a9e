/**
 * Signing out of a shared phone: the outbox is sent first; what the server refused is deleted only
 * if the user agrees; then this account's outbox, lot snapshots and cached pages are gone, while
 * the app shell and the models stay for the next user.
 */
import { expect, test, type Page } from '@playwright/test';
import { account, limitTo, makeLot, setNetwork, signIn, waitReady } from './pwa-support.ts';

/** What the device holds: IndexedDB's outbox and kv stores, and the caches' names and pages. */
function stored(page: Page) {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const req = indexedDB.open('spms');
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
		const count = (store: string) =>
			new Promise<number>((resolve, reject) => {
				const req = db.transaction(store, 'readonly').objectStore(store).count();
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
		const out = { outbox: await count('outbox'), kv: await count('kv') };
		db.close();
		const names = await caches.keys();
		const pages = names.includes('spms-pages') ? (await (await caches.open('spms-pages')).keys()).map((r) => new URL(r.url).pathname) : [];
		return { ...out, names, pages };
	});
}

/** Checks a plate (the lot's snapshot on the phone: the check answers), then `before`, then records it. */
async function record(page: Page, plate: string, before: () => Promise<void>): Promise<void> {
	await page.getByTestId('plate-input').fill(plate);
	await page.getByTestId('check').click();
	await expect(page.getByTestId('result')).toHaveAttribute('data-plate', plate, { timeout: 30_000 });
	await before();
	await page.getByTestId('observe').click();
	await expect(page.getByTestId('notice')).toContainText(`recorded for ${plate}`);
}

test('sign-out sends the outbox, asks before deleting what the server refused, then clears the account’s data', async ({ page, context, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	const next = await account(request, baseURL, 'patrol');
	const lotId = await makeLot(request, admin, `Sign-out A ${Date.now()}`);
	const otherLot = await makeLot(request, admin, `Sign-out B ${Date.now()}`);
	await limitTo(request, admin, patrol, [lotId, otherLot]);
	await limitTo(request, admin, next, [lotId]);
	await signIn(page, patrol);
	await waitReady(page);

	// one action refused (the account taken off the lot meanwhile), one waiting offline
	await page.getByLabel('Lot').selectOption(otherLot);
	const refused = `KA04SO${String(Date.now()).slice(-4)}`;
	await record(page, refused, () => setNetwork(context, false));
	await limitTo(request, admin, patrol, [lotId]);
	await setNetwork(context, true);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(page.getByTestId('problem').filter({ hasText: refused })).toHaveAttribute('data-status', 'rejected', { timeout: 30_000 });
	await page.getByLabel('Lot').selectOption(lotId);
	const waiting = `KA04SW${String(Date.now()).slice(-4)}`;
	await record(page, waiting, () => setNetwork(context, false));
	await expect(page.getByTestId('outbox-pending')).toHaveText('1 to send');
	await setNetwork(context, true);
	const before = await stored(page);
	expect(before.outbox).toBeGreaterThanOrEqual(2);
	expect(before.kv).toBeGreaterThan(0); // the lots and their snapshots
	expect(before.pages).toContain('/patrol');

	// the user is asked about the refused one, and can stay signed in: everything kept
	const questions: string[] = [];
	page.once('dialog', (d) => (questions.push(d.message()), void d.dismiss()));
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect.poll(() => questions.length).toBe(1);
	expect(questions[0]).toBe('1 recorded action has not reached the server. Signing out deletes it from this device. Sign out anyway?');
	await expect(page).toHaveURL(/\/patrol$/);
	await expect(page.getByTestId('problem').filter({ hasText: refused })).toHaveCount(1);
	// the waiting one was sent before the question
	await expect(page.getByTestId('outbox-pending')).toHaveText('0 to send');
	const observed = async (lot: string, plate: string) => {
		const res = await request.get(`/api/v1/patrol/actions?lotId=${lot}&kind=observation`, { headers: admin.headers });
		return ((await res.json()).items as Array<{ plate: string }>).filter((i) => i.plate === plate).length;
	};
	expect(await observed(lotId, waiting)).toBe(1);

	// agreed: signed out, and the account's data gone from the device; shell and models stay
	page.once('dialog', (d) => void d.accept());
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.waitForURL((url) => url.pathname === '/login');
	const after = await stored(page);
	expect(after).toMatchObject({ outbox: 0, kv: 0 });
	// the pages cached while signed in are gone (the sign-in page itself may be cached again)
	expect(after.pages.filter((p) => p !== '/login')).toEqual([]);
	expect(after.names.some((n) => n.startsWith('spms-shell-'))).toBe(true);
	expect(after.names.some((n) => n.startsWith('spms-lpr-'))).toBe(true);
	expect(await observed(otherLot, refused)).toBe(0);

	// the next user of the phone starts clean: nothing of the last one's outbox or lots
	await signIn(page, next);
	await waitReady(page);
	await expect(page.getByTestId('outbox-pending')).toHaveText('0 to send');
	await expect(page.getByTestId('outbox-problems')).toHaveCount(0);
	await expect(page.getByTestId('problems')).toHaveCount(0);
});
