import { expect, test } from '@playwright/test';
import { serverState } from '../support.ts';

test('the one-time setup link printed at first start creates the first admin', async ({ page, baseURL }) => {
	const link = serverState(baseURL).setupLink;
	expect(link, 'the server printed a setup link').toBeTruthy();
	await page.goto(link!);
	await expect(page.getByRole('heading', { name: 'Create the first admin' })).toBeVisible();
	await page.getByLabel('Admin e-mail').fill('first-admin@example.com');
	await page.getByLabel(/^Password/).fill('admin-password-1');
	await page.getByRole('button', { name: 'Create admin' }).click();
	// signed in and taken to the admin area's first page, the Now dashboard
	await expect(page.getByRole('heading', { name: 'Now', exact: true })).toBeVisible();
	await page.getByRole('link', { name: 'Users', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'Users and roles' })).toBeVisible();
	await expect(page.getByRole('cell', { name: 'first-admin@example.com', exact: true })).toBeVisible();

	// used once: the link is dead now, for everybody
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	const again = await page.goto(link!);
	expect(again?.status()).toBe(410);
	await expect(page.getByText('This setup link has been used or has expired.')).toBeVisible();
});
