import { expect, test } from '@playwright/test';
import { bearer, createUser, tokenFor } from '../support.ts';
import { screenshots, seed, signIn } from '../admin-support.ts';

test.beforeAll(async ({ request, baseURL }) => {
	test.setTimeout(240_000);
	await seed(request, baseURL);
});

test('hotlist: a CSV with bad rows names their lines and imports nothing; a clean one imports; export', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'admin'));
	await page.goto('/admin/hotlist');
	const run = Date.now().toString().slice(-4);
	await page.getByLabel('CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`plate,reason,priority,expires\nKA01HH${run},stolen,high,\n??,x,urgent,\n`) });
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'Rows to fix' })).toContainText('Line 3:');
	await page.getByLabel('CSV file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(`plate,reason,priority,expires\nKA01HH${run},stolen,high,\n`) });
	await page.getByRole('button', { name: 'Import' }).click();
	await expect(page.getByRole('status')).toContainText('Imported 1 plate');
	await expect(page.getByRole('cell', { name: `KA01HH${run}`, exact: true })).toBeVisible();
	const csv = await page.request.get('/admin/hotlist/csv');
	expect(await csv.text()).toContain(`KA01HH${run},stolen,high,`);
	await screenshots(page, 'admin-hotlist');
});

test('tariffs: the calculator prices the plan as edited', async ({ page, request, baseURL }) => {
	const admin = createUser(baseURL, 'admin');
	// a lot with the longest name allowed is in the lot picker too: the page still fits a phone
	const longName = `Long ${Date.now()} ${'n'.repeat(100)}`.slice(0, 100);
	expect((await request.post('/api/v1/lots', { headers: bearer(await tokenFor(request, admin)), data: { name: longName, capacity: { car: 5 } } })).status()).toBe(201);
	await signIn(page, admin);
	await page.goto('/admin/tariffs');
	await page.getByLabel('Lot').selectOption({ label: 'E2E Mall' });
	await page.getByRole('button', { name: 'Show' }).click();
	await page.getByLabel('Entry').fill('2026-11-02T09:00');
	await page.getByLabel('Exit').fill('2026-11-02T10:30');
	await expect(page.locator('.total')).toContainText('₹');
	await page.getByLabel('Exit').fill('2026-11-02T08:00');
	await expect(page.getByText('The exit is before the entry.')).toBeVisible();
	await screenshots(page, 'admin-tariffs');
});

test('lots and gates, audit log, training data, permits open for an admin', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'admin'));
	await page.goto('/admin/lots');
	const lot = page.getByRole('region', { name: 'E2E Mall' });
	await lot.getByLabel('Keep images (days)').fill('45');
	await lot.getByRole('button', { name: 'Save E2E Mall' }).click();
	await expect(page.getByRole('status')).toContainText('E2E Mall saved.');
	await expect(lot.getByLabel('Keep images (days)')).toHaveValue('45');
	await screenshots(page, 'admin-lots');
	await page.goto('/admin/audit?action=lot.update');
	await expect(page.getByRole('cell', { name: 'lot.update' }).first()).toBeVisible();
	await page.goto('/admin/training-data');
	await expect(page.getByRole('link', { name: 'Download the dataset' })).toBeVisible();
	const tar = await page.request.get('/admin/training-data/export?days=30');
	expect(tar.headers()['content-type']).toBe('application/x-tar');
	await page.goto('/admin/permits');
	await expect(page.getByRole('heading', { name: 'Permits (whitelist)' })).toBeVisible();
});

test('an operator runs the car park but can’t reach the admin-only pages or their actions', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'operator'));
	await page.goto('/admin');
	const nav = page.getByRole('navigation', { name: 'Administration' });
	await expect(nav.getByRole('link', { name: 'Reports' })).toBeVisible();
	for (const name of ['Lots and gates', 'Tariffs', 'Users', 'Audit log', 'Training data']) await expect(nav.getByRole('link', { name })).toHaveCount(0);
	for (const path of ['/admin/lots', '/admin/tariffs', '/admin/users', '/admin/device-keys', '/admin/audit', '/admin/training-data', '/admin/training-data/export']) {
		const res = await page.request.get(path);
		expect(res.status(), path).toBe(403);
	}
	const post = await page.request.post('/admin/lots?/saveLot', { form: { lotId: 'x', name: 'hijack' }, headers: { origin: new URL(baseURL!).origin } });
	expect(post.status()).toBe(403);
	for (const path of ['/admin/sessions', '/admin/anomalies', '/admin/holds', '/admin/hotlist', '/admin/permits']) expect((await page.request.get(path)).status(), path).toBe(200);
	// a wrong link is a 404 page, not a crash
	for (const path of ['/admin/sessions/no-such-session', '/admin/anomalies/no-such-anomaly']) expect((await page.request.get(path)).status(), path).toBe(404);
});
