/**
 * The Content-Security-Policy (svelte.config.js `kit.csp`, mode auto: a nonce per rendered page,
 * hashes for prerendered ones) without 'unsafe-inline' scripts, and the pages still working
 * under it in Chromium: every page signs the app's own start-up in (kit's inline bootstrap,
 * allowed by its nonce), the dashboard's and the reports' charts (chart.js) draw, the scanner's
 * plate worker (WASM) starts, and no page reports a single violation.
 */
import { expect, test, type Page } from '@playwright/test';
import { testJpeg } from '../../../src/lib/server/gates/testing.ts';
import { createUser } from '../support.ts';
import { seed, signIn } from '../admin-support.ts';

/** Every CSP violation the page reports, kept across navigations. */
async function watchViolations(page: Page): Promise<string[]> {
	const seen: string[] = [];
	await page.exposeFunction('__cspViolation', (v: string) => seen.push(v));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			(window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI} at ${location.pathname}`);
		});
	});
	page.on('console', (m) => {
		if (/Content[- ]Security[- ]Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
	});
	return seen;
}

/** Kit's bootstrap ran: it is an inline script, so only its nonce lets it. */
async function started(page: Page): Promise<boolean> {
	return page.evaluate(() => Object.keys(window).some((k) => k.startsWith('__sveltekit_')));
}

test.beforeAll(async ({ request, baseURL }) => {
	test.setTimeout(240_000);
	await seed(request, baseURL);
});

test('the policy: no inline scripts but kit’s own (by nonce), no plugins, no framing, no foreign origins', async ({ request }) => {
	const res = await request.get('/login', { headers: { accept: 'text/html' } });
	const csp = res.headers()['content-security-policy'] ?? '';
	const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
	expect(directives['script-src']).toContain("'self'");
	expect(directives['script-src']).not.toContain("'unsafe-inline'");
	expect(directives['script-src']).not.toContain("'unsafe-eval'");
	expect(directives['script-src']!.some((v: string) => /^'(nonce|sha256)-/.test(v))).toBe(true);
	expect(directives['object-src']).toEqual(["'none'"]);
	expect(directives['frame-ancestors']).toEqual(["'none'"]);
	expect(directives['base-uri']).toEqual(["'self'"]);
	for (const [name, values] of Object.entries(directives)) for (const v of values as string[]) expect(v, `${name} names another origin`).toMatch(/^('|blob:|data:)/);
	// the nonce in the header is the one on the page's only inline script, and a new one each time
	const html = await res.text();
	const nonce = directives['script-src']!.find((v: string) => v.startsWith("'nonce-"))!.slice(7, -1);
	expect(html).toContain(`<script nonce="${nonce}">`);
	const again = (await request.get('/login', { headers: { accept: 'text/html' } })).headers()['content-security-policy'];
	expect(again).not.toBe(csp);
});

test('pages work under the policy in Chromium: sign-in, dashboard and report charts, lists, the scanner', async ({ page, baseURL }) => {
	test.setTimeout(180_000);
	const violations = await watchViolations(page);
	await page.goto('/login');
	expect(await started(page)).toBe(true);
	await signIn(page, createUser(baseURL, 'admin'));

	await page.goto('/admin');
	await expect(page.getByRole('heading', { name: 'Now', level: 1 })).toBeVisible();
	expect(await started(page)).toBe(true);

	await page.goto('/admin/reports');
	const chart = page.locator('canvas').first();
	await expect(chart).toBeVisible();
	// chart.js drew something: the canvas is not blank
	await expect.poll(() => chart.evaluate((c: HTMLCanvasElement) => {
		const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
		for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
		return false;
	})).toBe(true);

	for (const path of ['/admin/sessions', '/admin/lots', '/admin/holds', '/admin/users', '/account', '/offline']) {
		await page.goto(path);
		await expect(page.locator('main')).toBeVisible();
		expect(await started(page), path).toBe(true);
	}

	// the scanner: a photo read by its plate worker (a module worker running WASM: worker-src and
	// script-src 'wasm-unsafe-eval'), start to finish
	await page.goto('/patrol');
	expect(await started(page)).toBe(true);
	await page.getByTestId('photo-input').setInputFiles({ name: 'car.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(testJpeg(640, 480, 5)) });
	await expect(page.getByTestId('photo-message')).toHaveText(/^(Read \S+ \(\d+%\) from the photo\.|No plate found)/, { timeout: 120_000 });
	expect(violations).toEqual([]);
});
