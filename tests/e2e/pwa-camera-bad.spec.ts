/**
 * Cameras that don't help: black frames (a covered lens), permission denied, no camera at all.
 */
import { expect, test } from '@playwright/test';
import { account, CHROMIUM_ARGS, fakeCamera, makeLot, signIn, waitReady } from './pwa-support.ts';

test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...fakeCamera('black.y4m')] } });

test('black frames: the scanner says the picture is black and suggests nothing', async ({ page, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	await makeLot(request, admin, `Black ${Date.now()}`);
	await signIn(page, patrol);
	await waitReady(page);
	await page.getByTestId('start-camera').click();
	await expect(page.getByTestId('dark-warning')).toBeVisible({ timeout: 30_000 });
	await page.waitForTimeout(3000);
	await expect(page.getByTestId('suggestion')).toHaveCount(0);
});

for (const [name, problem, text] of [
	['NotAllowedError', 'denied', 'Camera permission was denied'],
	['NotFoundError', 'no_camera', 'This device has no camera']
] as const) {
	test(`getUserMedia failing with ${name} shows the ${problem} state, and a photo still works`, async ({ page, request, baseURL }) => {
		const patrol = await account(request, baseURL, 'patrol');
		await page.addInitScript((errorName) => {
			navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused', errorName));
		}, name);
		await signIn(page, patrol);
		await page.getByTestId('start-camera').click();
		await expect(page.getByTestId('camera-problem')).toHaveAttribute('data-problem', problem);
		await expect(page.getByTestId('camera-problem')).toContainText(text);
		await expect(page.getByTestId('start-camera')).toHaveText('Try the camera again');
		await expect(page.getByTestId('photo-input')).toBeAttached();
	});
}
