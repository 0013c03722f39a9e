import { expect, test } from '@playwright/test';
import { createUser } from '../support.ts';
import { screenshots, seed, signIn } from '../admin-support.ts';

test.beforeAll(async ({ request, baseURL }) => {
	test.setTimeout(240_000);
	await seed(request, baseURL);
});

test('Now: occupancy by lot and class, today’s counters and revenue in ₹, gates with status and last capture, the held car', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'admin'));
	await page.goto('/admin');
	await expect(page.getByRole('heading', { name: 'Now', level: 1 })).toBeVisible();
	await expect(page.getByText('Entries today')).toBeVisible();
	await expect(page.getByText('Revenue today')).toBeVisible();
	// money in rupees with Indian grouping
	await expect(page.locator('.tile .value', { hasText: '₹' }).first()).toBeVisible();
	const lot = page.getByRole('article', { name: 'E2E Mall' });
	await expect(lot).toBeVisible();
	await expect(lot.getByRole('img', { name: /spaces taken/ }).first()).toBeVisible();
	const gate = page.getByRole('article', { name: 'North entry' });
	await expect(gate.getByText(/Online|Offline/)).toBeVisible();
	await expect(gate.getByRole('img', { name: 'Last capture at North entry' })).toBeVisible();
	// the thumbnail is a signed link that really serves the photo
	const src = await gate.getByRole('img', { name: 'Last capture at North entry' }).getAttribute('src');
	expect((await page.request.get(src!)).headers()['content-type']).toBe('image/jpeg');
	await expect(page.getByRole('table', { name: 'Held vehicles' }).getByText('North entry')).toBeVisible();
	await screenshots(page, 'admin-now');
});
