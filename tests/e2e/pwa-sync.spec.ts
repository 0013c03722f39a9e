/**
 * Background Sync: an action recorded offline registers the `outbox` sync, and the service worker
 * sends it when the browser fires that event, with no page of the app open.
 *
 * Chromium fires `sync` when its own view of the network says online; DevTools' offline emulation
 * (all a test can switch) does not reach that view, so the browser would not fire it here by
 * itself. The test fires it the way DevTools does (`ServiceWorker.dispatchSyncEvent`), after the
 * network is back and the app is closed. The fallbacks (on `online`, on app start, every 30 s)
 * are what pwa-offline.spec.ts exercises.
 */
import { expect, test } from '@playwright/test';
import { account, limitTo, makeLot, setNetwork, signIn, waitReady } from './pwa-support.ts';

test('an action recorded offline is sent by the service worker on the sync event, the app closed', async ({ page, context, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	const lotId = await makeLot(request, admin, `Sync ${Date.now()}`);
	await limitTo(request, admin, patrol, [lotId]);
	await signIn(page, patrol);
	await waitReady(page);

	const plate = `KA03BS${String(Date.now()).slice(-4)}`;
	await page.getByTestId('plate-input').fill(plate);
	await page.getByTestId('check').click();
	// the lot's snapshot is on the phone: the check answers
	await expect(page.getByTestId('result')).toHaveAttribute('data-plate', plate, { timeout: 30_000 });
	await setNetwork(context, false);
	await page.getByTestId('observe').click();
	await expect(page.getByTestId('outbox-pending')).toHaveText('1 to send');
	// the page asked for Background Sync
	await expect
		.poll(() => page.evaluate(async () => ((await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } }).sync.getTags()))
		.toContain('outbox');

	// the app closed (nothing of it left to send on `online`), then the network back
	const cdpPage = await context.newPage();
	await page.close();
	const observed = async () => {
		const res = await request.get(`/api/v1/patrol/actions?lotId=${lotId}&kind=observation`, { headers: admin.headers });
		return ((await res.json()).items as Array<{ plate: string }>).filter((i) => i.plate === plate).length;
	};
	// nothing got through while offline (asked before the network is back: once it is, a sync the
	// browser fired itself and is retrying may deliver it first, which is the same service worker path)
	expect(await observed()).toBe(0);
	await setNetwork(context, true);

	const cdp = await context.newCDPSession(cdpPage);
	const registrations = new Map<string, string>();
	cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: list }) => {
		for (const r of list) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
	});
	await cdp.send('ServiceWorker.enable');
	const scope = new URL('/', baseURL).href;
	await expect.poll(() => registrations.get(scope)).toBeTruthy();
	await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: new URL(baseURL!).origin, registrationId: registrations.get(scope)!, tag: 'outbox', lastChance: false });
	await expect.poll(observed, { timeout: 30_000 }).toBe(1);

	// and the phone knows it went: opened again, nothing left to send, the server has it once
	const again = await context.newPage();
	await again.goto('/patrol');
	await expect(again.getByTestId('outbox-pending')).toHaveText('0 to send');
	expect(await observed()).toBe(1);
});
