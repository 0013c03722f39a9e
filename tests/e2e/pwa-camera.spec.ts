/**
 * The patrol scanner with Chromium's fake camera playing a video of synthetic scenes with known
 * plates (scripts/pwa/fixtures.py): the page must show each scene's plate text. This runs the
 * real models: when it fails only on reading accuracy, the reader is what to fix, not the test.
 */
import { expect, test } from '@playwright/test';
import { account, CHROMIUM_ARGS, fakeCamera, labels, makeLot, signIn, waitReady } from './pwa-support.ts';

test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...fakeCamera('camera.y4m')] } });

test('the fake camera’s plates are read live, boxes drawn, and one tap checks the plate', async ({ page, request, baseURL }) => {
	const admin = await account(request, baseURL, 'admin');
	const patrol = await account(request, baseURL, 'patrol');
	await makeLot(request, admin, `Camera ${Date.now()}`);
	await signIn(page, patrol);
	await waitReady(page);
	await page.getByTestId('start-camera').click();
	await expect(page.getByTestId('fps')).toBeVisible();

	const want = labels().map((l) => l.text);
	const seen = new Map<string, number>();
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline && !want.every((t) => seen.has(t))) {
		const text = await page.getByTestId('suggestion').locator('.plate').innerText({ timeout: 1000 }).catch(() => null);
		if (text) seen.set(text, (seen.get(text) ?? 0) + 1);
		await page.waitForTimeout(150);
	}
	const chip = page.getByTestId('fps');
	const fps = await chip.innerText();
	console.log(`scanner: ${fps} (detector ${await chip.getAttribute('data-detector-fps')}/s, ${await chip.getAttribute('data-threads')} ORT threads); shown: ${[...seen.keys()].join(', ')}; expected: ${want.join(', ')}`);
	// cross-origin isolated: ORT runs more than one thread in the worker (one per core, up to 4)
	expect(Number(await chip.getAttribute('data-threads'))).toBe(await page.evaluate(() => Math.min(4, navigator.hardwareConcurrency)));
	// the loop ran and drew what it read
	expect(seen.size).toBeGreaterThan(0);
	// one tap on the suggestion checks it
	await page.getByTestId('suggestion').click();
	await expect(page.getByTestId('result')).toBeVisible();
	// the honest assertion: every scene's plate was shown as read
	for (const t of want) expect([...seen.keys()], `plate ${t} shown`).toContain(t);
});
