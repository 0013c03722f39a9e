import { expect, test } from '@playwright/test';
import { createUser } from '../support.ts';
import { parseCsv } from '../../../src/lib/server/reports/csv.ts';
import { screenshots, seed, signIn } from '../admin-support.ts';

test.beforeAll(async ({ request, baseURL }) => {
	test.setTimeout(240_000);
	await seed(request, baseURL);
});

test('reports: revenue total equals the CSV’s days, occupancy heatmap, stays, anomalies, print view', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'operator'));
	await page.goto('/admin/reports');
	await expect(page.getByRole('heading', { name: 'Revenue report' })).toBeVisible();
	await page.getByLabel('Lot').selectOption({ label: 'E2E Mall' });
	await page.getByRole('button', { name: 'Show' }).click();
	await expect(page).toHaveURL(/lotId=/);
	const total = await page.locator('.tile', { hasText: 'Revenue' }).locator('.value').first().textContent();
	expect(total).toMatch(/^₹[\d,]+\.\d\d$/);

	const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
	const csv = await page.request.get(href!);
	expect(csv.headers()['content-type']).toContain('text/csv');
	const text = await csv.text();
	const byDay = parseCsv(text.split('\r\n\r\n')[0]!.replace(/^# .*\r\n/, ''));
	expect(byDay.header).toEqual(['date', 'amount_inr', 'payments']);
	const sum = byDay.rows.reduce((n, r) => n + Math.round(Number(r.cells[1]) * 100), 0);
	expect(total).toBe(new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' }).format(sum / 100));
	await screenshots(page, 'admin-reports-revenue');

	await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Occupancy' }).click();
	await expect(page.getByRole('heading', { name: 'Occupancy report' })).toBeVisible();
	await expect(page.getByRole('table', { name: /by weekday/ })).toBeVisible();
	await expect(page.getByText('Peak hours')).toBeVisible();
	await screenshots(page, 'admin-reports-occupancy');

	await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Stays' }).click();
	await expect(page.getByText('Average stay')).toBeVisible();
	await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Anomalies' }).click();
	await expect(page.getByRole('heading', { name: 'By kind' })).toBeVisible();

	await page.getByRole('link', { name: 'Print view' }).click();
	await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Reports' })).toBeHidden();
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('navigation', { name: 'Administration' })).toBeHidden();
	await page.emulateMedia({ media: 'screen' });
});

test('a range that ends before it starts is explained, not a crash', async ({ page, baseURL }) => {
	await signIn(page, createUser(baseURL, 'operator'));
	await page.goto('/admin/reports?kind=stays&from=2026-11-05&to=2026-11-01');
	await expect(page.getByRole('alert')).toContainText('The end date is before the start date');
	const res = await page.request.get('/admin/reports/stays/csv?from=2026-11-05&to=2026-11-01');
	expect(res.status()).toBe(422);
	expect((await res.json()).error.code).toBe('bad_range');
});
