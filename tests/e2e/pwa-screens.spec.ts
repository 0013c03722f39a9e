/**
 * Screenshots of the patrol scanner and the gate tablet at phone and laptop sizes (looked at by
 * eye), failing on sideways scrolling.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { account, FIXTURES, labels, limitTo, makeLot, signIn, startFakeEsp32, waitReady } from './pwa-support.ts';

for (const [w, h] of [[360, 740], [1280, 800]] as const) {
	test(`screens at ${w}x${h}`, async ({ page, request, baseURL }) => {
		await page.setViewportSize({ width: w, height: h });
		const admin = await account(request, baseURL, 'admin');
		const operator = await account(request, baseURL, 'operator');
		const lotId = await makeLot(request, admin, `Screens ${w}`);
		await limitTo(request, admin, operator, [lotId]);
		const plate = `KA01SC${w}`.slice(0, 10);
		await request.post('/api/v1/sessions', { headers: admin.headers, data: { lotId, plate, at: Date.now() - 3 * 3600_000 } });
		await request.post('/api/v1/hotlist', { headers: admin.headers, data: { plate, reason: 'unpaid fines', priority: 'high' } });
		await signIn(page, operator);
		await waitReady(page);
		await page.getByTestId('plate-input').fill(plate);
		await page.getByTestId('check').click();
		await expect(page.getByTestId('due')).toBeVisible();
		await page.screenshot({ path: `test-results/screens/patrol-${w}x${h}.png`, fullPage: true });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);

		const esp = await startFakeEsp32(labels().map((l) => new Uint8Array(readFileSync(join(FIXTURES, l.file)))));
		try {
			const gate = await request.post(`/api/v1/lots/${lotId}/gates`, { headers: admin.headers, data: { name: 'Exit 1', direction: 'exit', cameraUrl: `${esp.url}/stream` } });
			await page.goto(`/gate?gate=${(await gate.json()).id}`);
			await expect(page.getByTestId('stream-meta')).toContainText('Live', { timeout: 30_000 });
			await expect(page.getByTestId('live-read')).toBeVisible({ timeout: 60_000 });
			await page.screenshot({ path: `test-results/screens/gate-${w}x${h}.png`, fullPage: true });
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
		} finally {
			await esp.close();
		}
	});
}
