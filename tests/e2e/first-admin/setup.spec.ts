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
	await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
	await page.getByRole('link', { name: 'Users and roles' }).click();
	await expect(page.getByRole('cell', { name: 'first-admin@example.com', exact: true })).toBeVisible();

	// used once: the link is dead now, for everybody
	await page.getByRole('button', { name: 'Sign out' }).click();
	const again = await page.goto(link!);
	expect(again?.status()).toBe(410);
	await expect(page.getByText('This setup link has been used or has expired.')).toBeVisible();
});
