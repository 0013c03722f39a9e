/**
 * Offline first: plates recorded with no network go to the IndexedDB outbox, survive a reload
 * while offline, and reach the server exactly once when it returns — also when the network
 * flaps during the sync and answers are lost after the server applied them. Conflicts and
 * refusals are shown, and a refused item is kept until retried or discarded.
 */
import { expect, test, type Page } from '@playwright/test';
import { account, limitTo, makeLot, setNetwork, signIn, waitReady } from './pwa-support.ts';

async function record(page: Page, plate: string, what: 'observe' | 'start-session' | 'end-session' = 'observe'): Promise<void> {
	await page.getByTestId('plate-input').fill(plate);
	await page.getByTestId('check').click();
	await expect(page.getByTestId('result')).toHaveAttribute('data-plate', plate);
	await page.getByTestId(what).click();
	await expect(page.getByTestId('notice')).toContainText(`recorded for ${plate}`);
}

const pending = (page: Page) => page.getByTestId('outbox-pending');

test('50 plates offline, a reload offline, then online: exactly 50 records; a flapping network: still once each', async ({ page, context, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	const lotId = await makeLot(request, admin, `Offline ${Date.now()}`);
	await limitTo(request, admin, patrol, [lotId]);
	await signIn(page, patrol);
	await waitReady(page);

	await setNetwork(context, false);
	await expect(page.getByTestId('network')).toHaveText('Offline');
	const run = Date.now().toString(36).slice(-4).toUpperCase().replace(/[^A-Z]/g, 'Q').padEnd(2, 'Q').slice(0, 2);
	const plates = Array.from({ length: 50 }, (_, i) => `KA${String(i % 90).padStart(2, '0')}${run}${String(1000 + i)}`);
	for (const p of plates) await record(page, p);
	await expect(pending(page)).toHaveText('50 to send');

	await page.reload();
	await expect(page.getByTestId('network')).toHaveText('Offline');
	await expect(pending(page)).toHaveText('50 to send');

	await setNetwork(context, true);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(pending(page)).toHaveText('0 to send', { timeout: 60_000 });
	const count = async () => {
		const res = await request.get(`/api/v1/patrol/actions?lotId=${lotId}&kind=observation&limit=200`, { headers: admin.headers });
		const body = await res.json();
		return { total: body.total as number, plates: (body.items as Array<{ plate: string }>).map((i) => i.plate) };
	};
	const first = await count();
	expect(first.total).toBe(50);
	expect(new Set(first.plates)).toEqual(new Set(plates));

	// a flapping network: every sync answer is held a moment and dropped when the network went
	// away meanwhile (the server applied the batch, the phone never heard), while the network
	// goes off and on every 1.5 s
	let online = true;
	await page.route('**/api/v1/sync', async (route) => {
		const res = await route.fetch().catch(() => null);
		await new Promise((r) => setTimeout(r, 400));
		if (!online || !res) return route.abort('internetdisconnected');
		return route.fulfill({ response: res });
	});
	await setNetwork(context, false);
	online = false;
	const more = Array.from({ length: 30 }, (_, i) => `MH${String(i % 90).padStart(2, '0')}${run}${String(2000 + i)}`);
	for (const p of more) await record(page, p);
	await expect(pending(page)).toHaveText('30 to send');
	for (let i = 0; i < 8; i++) {
		online = !online;
		await setNetwork(context, online);
		if (online) await page.evaluate(() => window.dispatchEvent(new Event('online')));
		await page.waitForTimeout(1500);
	}
	online = true;
	await setNetwork(context, true);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(pending(page)).toHaveText('0 to send', { timeout: 90_000 });
	await page.unroute('**/api/v1/sync');
	const after = await count();
	expect(after.total).toBe(80);
	expect(after.plates.length).toBe(new Set(after.plates).size);
	expect(new Set(after.plates)).toEqual(new Set([...plates, ...more]));
});

test('a refused item is shown and kept (across a reload) until retried; a conflict says what changed', async ({ page, context, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	const lotId = await makeLot(request, admin, `Refused A ${Date.now()}`);
	const otherLot = await makeLot(request, admin, `Refused B ${Date.now()}`);
	await limitTo(request, admin, patrol, [lotId, otherLot]);
	await signIn(page, patrol);
	await waitReady(page);
	const lot = page.getByLabel('Lot');
	await lot.selectOption(otherLot); // its snapshot is kept for offline use
	// the scanner answers only once that lot's snapshot has arrived: wait for it before moving on
	await page.getByTestId('plate-input').fill('KA01AA0001');
	await page.getByTestId('check').click();
	await expect(page.getByTestId('result')).toHaveAttribute('data-plate', 'KA01AA0001', { timeout: 30_000 });
	await lot.selectOption(lotId);

	// a session started from the phone, then ended at the desk while the phone was offline
	const parked = `KA01RF${String(Date.now()).slice(-4)}`;
	await record(page, parked, 'start-session');
	await expect(pending(page)).toHaveText('0 to send', { timeout: 30_000 });
	await setNetwork(context, false);
	const session = (await (await request.get(`/api/v1/sessions?lotId=${lotId}&plate=${parked}`, { headers: admin.headers })).json()).items[0];
	expect((await request.post(`/api/v1/sessions/${session.id}/end`, { headers: admin.headers, data: {} })).status()).toBe(200);
	await record(page, parked, 'end-session');

	// and an observation in the other lot, which the account is taken off meanwhile
	await lot.selectOption(otherLot);
	const refused = `KA02RF${String(Date.now()).slice(-4)}`;
	await record(page, refused);
	await expect(pending(page)).toHaveText('2 to send');
	await limitTo(request, admin, patrol, [lotId]);
	await setNetwork(context, true);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));

	const problems = page.getByTestId('problem');
	await expect(problems).toHaveCount(2, { timeout: 30_000 });
	await expect(problems.filter({ hasText: parked })).toContainText(/Conflict: .*ended at .* meanwhile/);
	const refusal = problems.filter({ hasText: refused });
	await expect(refusal).toHaveAttribute('data-status', 'rejected');
	await expect(refusal).toContainText('Refused: Your account does not work in this lot.');
	await expect(pending(page)).toHaveText('0 to send');

	await page.reload();
	await expect(problems.filter({ hasText: refused })).toHaveAttribute('data-status', 'rejected');

	// the account may work there again: a retry applies it, once
	await limitTo(request, admin, patrol, [lotId, otherLot]);
	await problems.filter({ hasText: refused }).getByTestId('retry').click();
	await expect(problems.filter({ hasText: refused })).toHaveCount(0, { timeout: 30_000 });
	// the retry puts it back in the outbox at once; the server has it when the outbox is empty
	await expect(pending(page)).toHaveText('0 to send', { timeout: 30_000 });
	const observed = async () => {
		const obs = await (await request.get(`/api/v1/patrol/actions?lotId=${otherLot}&kind=observation`, { headers: admin.headers })).json();
		return obs.items.filter((i: { plate: string }) => i.plate === refused).length;
	};
	await expect.poll(observed, { timeout: 30_000 }).toBe(1);
	// the conflict is read and dismissed
	await problems.filter({ hasText: parked }).getByTestId('discard').click();
	await expect(problems).toHaveCount(0);
});
