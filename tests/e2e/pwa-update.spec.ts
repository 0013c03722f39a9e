/**
 * A new version of the app: the installed service worker finds a changed script, installs it and
 * lets it wait; the page offers a reload; the reload runs the new version (its own shell cache,
 * the old one dropped).
 *
 * The browser fetches a service worker's script itself (Playwright's routes don't see that
 * request), so the app is reached through a small proxy that starts serving the next version's
 * script when told: the built script with another version string, which is what a deploy changes.
 */
import { createServer, request as forward, type Server } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { account, waitReady } from './pwa-support.ts';

/** The version of the service worker controlling the page (it answers a `version` message). */
function controllerVersion(page: Page): Promise<string | null> {
	return page
		.evaluate(
			() =>
				new Promise<string | null>((resolve) => {
					const sw = navigator.serviceWorker.controller;
					if (!sw) return resolve(null);
					const channel = new MessageChannel();
					channel.port1.onmessage = (e: MessageEvent<{ version: string }>) => resolve(e.data.version);
					sw.postMessage({ type: 'version' }, [channel.port2]);
					setTimeout(() => resolve(null), 5000);
				})
		)
		.catch(() => null); // the page was reloading
}

/** A proxy to the app; `serve(script)` makes it answer /service-worker.js with that script. */
async function proxyTo(app: URL): Promise<{ url: string; serve(script: string): void; close(): Promise<void> }> {
	let script: string | null = null;
	const server: Server = createServer((req, res) => {
		if (script !== null && req.method === 'GET' && req.url?.split('?')[0] === '/service-worker.js') {
			res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-cache' }).end(script);
			return;
		}
		const up = forward({ host: app.hostname, port: app.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
			res.writeHead(r.statusCode ?? 502, r.headers);
			r.pipe(res);
		});
		up.on('error', () => res.destroy());
		req.pipe(up);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
		serve: (s) => void (script = s),
		close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r())))
	};
}

test('a new service worker version: the page offers a reload, and the reload runs the new version', async ({ page, context, request, baseURL }) => {
	const proxy = await proxyTo(new URL(baseURL!));
	try {
		const patrol = await account(request, baseURL, 'patrol');
		// signed in over HTTP (the form would post from the proxy's origin); the cookie is the host's
		const login = await context.request.post(`${baseURL}/login`, { form: { email: patrol.email, password: patrol.password }, headers: { accept: 'text/html' }, maxRedirects: 0 });
		expect(login.status()).toBe(303);
		await page.goto(`${proxy.url}/patrol`);
		await waitReady(page);
		const v1 = (await (await request.get('/_app/version.json')).json()).version as string;
		expect(await controllerVersion(page)).toBe(v1);
		await expect(page.getByTestId('update-prompt')).toHaveCount(0);

		// the next deploy: the same worker with another version
		const script = await (await request.get('/service-worker.js')).text();
		expect(script).toContain(v1);
		const v2 = `${v1}9`;
		proxy.serve(script.split(v1).join(v2));
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

		const prompt = page.getByTestId('update-prompt');
		await expect(prompt).toBeVisible({ timeout: 60_000 });
		await expect(prompt).toContainText('A new version of SPMS is ready.');
		// installed and waiting: the old version still serves this page until the user says so
		expect(await controllerVersion(page)).toBe(v1);
		expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting !== null)).toBe(true);

		// (not asking the old worker its version meanwhile: its messages would hold up the switch)
		const reloaded = page.waitForEvent('load', { timeout: 30_000 });
		await prompt.getByRole('button', { name: 'Reload to update' }).click();
		await reloaded;
		await expect(page.getByTestId('status-bar')).toBeVisible();
		expect(await controllerVersion(page)).toBe(v2);
		await expect(prompt).toHaveCount(0);
		const names = await page.evaluate(() => caches.keys());
		expect(names).toContain(`spms-shell-${v2}`);
		expect(names).not.toContain(`spms-shell-${v1}`);
	} finally {
		await page.close();
		await proxy.close();
	}
});
