import { expect, test } from '@playwright/test';
import { createUser } from '../support.ts';
import { screenshots, seed, signIn } from '../admin-support.ts';

test.beforeAll(async ({ request, baseURL }) => {
	test.setTimeout(240_000);
	await seed(request, baseURL);
});

test('anomalies: filter, open one, see its evidence, resolve it with a note', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'operator'));
	await page.goto('/admin/anomalies');
	await page.getByLabel('Lot').selectOption({ label: 'E2E Mall' });
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page.getByRole('status')).toContainText(/\d+ anomal/);
	await screenshots(page, 'admin-anomalies');
	await page.getByRole('link', { name: /^Review/ }).first().click();
	await expect(page.getByRole('heading', { name: 'Seen' })).toBeVisible();
	await screenshots(page, 'admin-anomaly');
	// resolving needs a note
	await page.getByRole('button', { name: 'Resolve' }).click();
	await expect(page.getByRole('alert')).toContainText('Say how it was resolved');
	await page.getByLabel('Note (needed to resolve)').fill('checked on the photo');
	await page.getByRole('button', { name: 'Resolve' }).click();
	await expect(page.getByRole('status')).toContainText('Resolved.');
	await expect(page.getByText(/resolved — “checked on the photo”/)).toBeVisible();
});

test('held vehicles: correct the plate and open the barrier', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'operator'));
	await page.goto('/admin/holds');
	await expect(page.getByRole('heading', { name: 'Held vehicles', level: 1 })).toBeVisible();
	const hold = page.locator('li.hold').filter({ hasText: 'North entry' }).first();
	await expect(hold.getByRole('img')).toBeVisible();
	await screenshots(page, 'admin-holds');
	await hold.getByLabel('Plate on the photo').fill('KA05MN4321');
	await hold.getByLabel('What you checked').fill('plate read on the photo');
	await hold.getByRole('button', { name: 'Open barrier' }).click();
	await expect(page.getByRole('status')).toContainText('Barrier opening for KA05MN4321');
	// the car is now parked: its session is found by plate
	await page.goto('/admin/sessions?plate=KA05MN4321');
	await expect(page.getByRole('link', { name: 'KA05MN4321' })).toBeVisible();
	await page.getByRole('link', { name: 'KA05MN4321' }).click();
	await expect(page.getByRole('heading', { name: /KA05MN4321/ })).toBeVisible();
	await expect(page.getByRole('cell', { name: 'session.start' })).toBeVisible();
	await screenshots(page, 'admin-session');
});
