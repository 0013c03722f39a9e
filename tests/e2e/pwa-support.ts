/**
 * Shared by the PWA's browser suites (tests/e2e/pwa-*.spec.ts): fixtures made by
 * `pwa.setup.ts`, signing in through the page, a real offline switch (the page and the service
 * worker's own fetches), and a fake ESP32-CAM serving MJPEG in CameraWebServer's wire format.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { expect, type APIRequestContext, type BrowserContext, type Page, type Route } from '@playwright/test';
import { encodePart, ESP32_BOUNDARY } from '../../src/lib/cameras/mjpeg.ts';
import { bearer, createUser, tokenFor, type Role } from './support.ts';

export const FIXTURES = join(import.meta.dirname, '../.fixtures/pwa');
export const labels = (): Array<{ file: string; text: string }> => JSON.parse(readFileSync(join(FIXTURES, 'labels.json'), 'utf8'));

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const fakeCamera = (file: string) => ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${join(FIXTURES, file)}`];

export interface Account {
	email: string;
	password: string;
	id: string;
	headers: Record<string, string>;
}

/** A new account of a role, signed in over the API too (for setup calls). */
export async function account(request: APIRequestContext, baseURL: string | undefined, role: Role): Promise<Account> {
	const user = createUser(baseURL, role);
	const token = await tokenFor(request, user);
	const me = await (await request.get('/api/v1/me', { headers: bearer(token) })).json();
	return { ...user, id: me.user.id, headers: bearer(token) };
}

/** Signs the page in through the login form. */
export async function signIn(page: Page, user: { email: string; password: string }, next = '/patrol'): Promise<void> {
	await page.goto(`/login?next=${encodeURIComponent(next)}`);
	await page.getByLabel('E-mail').fill(user.email);
	await page.getByLabel('Password').fill(user.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => url.pathname === next);
}

const offlineRoute = (route: Route) => route.abort('internetdisconnected');

/**
 * Offline for real: `setOffline` for the page (navigator.onLine, its fetches) and every request
 * aborted at the network, the service worker's included (PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS
 * is set by playwright.config.ts; `setOffline` alone lets a service worker reach the network).
 */
export async function setNetwork(context: BrowserContext, online: boolean): Promise<void> {
	if (online) {
		await context.unroute('**', offlineRoute);
		await context.setOffline(false);
	} else {
		await context.setOffline(true);
		await context.route('**', offlineRoute);
	}
}

/** Waits until the service worker controls the page and holds the models (the scanner is ready). */
export async function waitReady(page: Page, timeout = 120_000): Promise<void> {
	await expect(page.getByTestId('model-state')).toHaveCount(0, { timeout });
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

export interface FakeEsp32 {
	url: string;
	/** requests seen per path */
	hits: Map<string, number>;
	close(): Promise<void>;
}

/**
 * A stand-in ESP32-CAM: `GET /stream?mode=…` answers MJPEG exactly as CameraWebServer's
 * stream_handler does (boundary line, Content-Type, Content-Length, X-Timestamp, JPEG), about
 * ten frames a second, each of `frames` for two seconds in turn. Modes: `normal`; `stall` (3 frames, then silence with
 * the connection open); `corrupt` (a part that is not a JPEG and a part with a broken header
 * between good ones); `html` (not a stream at all).
 */
export async function startFakeEsp32(frames: Uint8Array[]): Promise<FakeEsp32> {
	const hits = new Map<string, number>();
	const open = new Set<ServerResponse>();
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		hits.set(url.pathname + url.search, (hits.get(url.pathname + url.search) ?? 0) + 1);
		const mode = url.searchParams.get('mode') ?? 'normal';
		if (mode === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>ESP32</h1>');
		res.writeHead(200, { 'content-type': `multipart/x-mixed-replace;boundary=${ESP32_BOUNDARY}`, 'access-control-allow-origin': '*', 'x-framerate': '10' });
		open.add(res);
		let n = 0;
		const timer = setInterval(() => {
			if (mode === 'stall' && n >= 3) return; // silence, connection kept
			if (mode === 'corrupt' && n % 3 === 1) {
				res.write(encodePart(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])));
				res.write(`\r\n--${ESP32_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: twelve\r\n\r\nxxxxxxxxxxxx`);
			}
			// each picture held for two seconds, as a car stands at the barrier
			res.write(encodePart(frames[Math.floor(n / 20) % frames.length]!));
			n++;
		}, 100);
		res.on('close', () => {
			clearInterval(timer);
			open.delete(res);
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const port = (server.address() as { port: number }).port;
	return {
		url: `http://127.0.0.1:${port}`,
		hits,
		close: () =>
			new Promise((r) => {
				for (const res of open) res.destroy();
				server.close(() => r());
			})
	};
}

/** A lot (and its id) for a test run. */
export async function makeLot(request: APIRequestContext, admin: Account, name: string): Promise<string> {
	const res = await request.post('/api/v1/lots', { headers: admin.headers, data: { name, capacity: { car: 500 }, longStayMinutes: 120 } });
	expect(res.status(), await res.text()).toBe(201);
	return (await res.json()).id;
}

/** Limits an account to lots. */
export async function limitTo(request: APIRequestContext, admin: Account, user: Account, lotIds: string[]): Promise<void> {
	const res = await request.put(`/api/v1/users/${user.id}/lots`, { headers: admin.headers, data: { lotIds } });
	expect(res.status(), await res.text()).toBe(200);
}
