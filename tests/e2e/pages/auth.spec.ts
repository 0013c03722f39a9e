import { expect, test } from '@playwright/test';
import { createUser, uniqueEmail } from '../support.ts';

test('register, sign out, sign in again', async ({ page }) => {
	const email = uniqueEmail('page');
	await page.goto('/register');
	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel(/^Password/).fill('password-123');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('heading', { name: `Welcome, ${email}` })).toBeVisible();
	await expect(page.getByText('Signed in as driver')).toBeVisible();

	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel('Password').fill('password-123');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: `Welcome, ${email}` })).toBeVisible();
});

test('a wrong password shows a message and keeps the e-mail', async ({ page }) => {
	const email = uniqueEmail('wrong');
	await page.goto('/login');
	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText('E-mail address or password is wrong.');
	await expect(page.getByLabel('E-mail')).toHaveValue(email);
});

test('registration errors are shown beside the fields', async ({ page }) => {
	await page.goto('/register');
	await page.getByLabel('E-mail').fill('someone@example.com');
	await page.getByLabel(/^Password/).evaluate((el: HTMLInputElement) => el.removeAttribute('minlength'));
	await page.getByLabel(/^Password/).fill('short');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
});

test('a driver is refused an admin page; an admin gets it', async ({ page, baseURL }) => {
	const driver = createUser(baseURL, 'driver');
	await signIn(page, driver);
	const refused = await page.goto('/admin/users');
	expect(refused?.status()).toBe(403);
	await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();

	await page.getByRole('link', { name: 'Back to the start page' }).click();
	await page.getByRole('button', { name: 'Sign out' }).click();
	// sign-out first clears this device's outbox and pages, then posts the form
	await expect(page).toHaveURL(/\/login$/);
	const admin = createUser(baseURL, 'admin');
	await signIn(page, admin);
	await page.goto('/admin/users');
	await expect(page.getByRole('heading', { name: 'Users and roles' })).toBeVisible();
	await expect(page.getByRole('cell', { name: driver.email, exact: true })).toBeVisible();
});

test('an anonymous visitor is sent to sign in, then back to the page', async ({ page, baseURL }) => {
	const admin = createUser(baseURL, 'admin');
	await page.goto('/admin/device-keys');
	await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fdevice-keys$/);
	await page.getByLabel('E-mail').fill(admin.email);
	await page.getByLabel('Password').fill(admin.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Gate device keys' })).toBeVisible();

	await page.getByLabel('Device name').fill('North gate');
	await page.getByRole('button', { name: 'Create key' }).click();
	await expect(page.getByTestId('new-device-key')).toHaveText(/^spms_dk_[a-z2-7]{32}$/);
	await page.reload();
	// shown once: after a reload only the prefix remains
	await expect(page.getByTestId('new-device-key')).toHaveCount(0);
	await expect(page.getByRole('cell', { name: 'North gate' })).toBeVisible();
});

async function signIn(page: import('@playwright/test').Page, user: { email: string; password: string }) {
	await page.goto('/login');
	await page.getByLabel('E-mail').fill(user.email);
	await page.getByLabel('Password').fill(user.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
}
