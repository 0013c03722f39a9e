/** Helpers for the admin page suites: sign-in, a seeded lot (a simulated day), a gate with a held car. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { testJpeg } from '../../src/lib/server/gates/testing.ts';
import { bearer, createUser, serverState, tokenFor } from './support.ts';

const root = join(import.meta.dirname, '../..');

export async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
	await page.goto('/login');
	await page.getByLabel('E-mail').fill(user.email);
	await page.getByLabel('Password').fill(user.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
}

export interface Seeded {
	lotId: string;
	lotName: string;
	gateId: string;
}

/**
 * Once per server: a day of simulated traffic in "E2E Mall" (through the real services, as
 * `npm run simulate` does), and an entry gate of it with a device key that posted a photo the
 * reader can't read, so one car waits as a hold. Later calls read what the first made.
 */
export async function seed(request: APIRequestContext, baseURL: string | undefined): Promise<Seeded> {
	const state = serverState(baseURL);
	const file = join(state.dataDir, 'admin-e2e-seed.json');
	if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: state.dataDir };
	delete env.DB_URI;
	if (state.databaseUrl) env.DATABASE_URL = state.databaseUrl;
	else delete env.DATABASE_URL;
	const lotName = 'E2E Mall';
	execFileSync(process.execPath, [join(root, 'scripts/simulate.ts'), '--lot', lotName, '--hours', '30', '--seed', '11'], { env, cwd: root, stdio: 'pipe' });
	const admin = bearer(await tokenFor(request, createUser(baseURL, 'admin')));
	const lots = await (await request.get('/api/v1/lots', { headers: admin })).json();
	const lot = (lots.items ?? lots).find((l: { name: string }) => l.name === lotName);
	const key = await (await request.post('/api/v1/device-keys', { headers: admin, data: { name: 'e2e admin gate' } })).json();
	const gateRes = await request.post(`/api/v1/lots/${lot.id}/gates`, { headers: admin, data: { name: 'North entry', direction: 'entry', deviceKeyId: key.id } });
	expect(gateRes.status(), await gateRes.text()).toBe(201);
	const gate = await gateRes.json();
	const post = () =>
		request.post(`/api/v1/gates/${gate.id}/captures`, {
			headers: { ...bearer(key.key), 'idempotency-key': 'e2e-admin-hold-1', 'x-capture-time': new Date().toISOString(), 'content-type': 'image/jpeg' },
			data: Buffer.from(testJpeg(640, 480, 21))
		});
	// the reader pool starts on the first capture: 503 with Retry-After until it is up, as a gate retries
	let cap = await post();
	for (let i = 0; cap.status() === 503 && i < 60; i++) {
		await new Promise((r) => setTimeout(r, 1000 * Number(cap.headers()['retry-after'] ?? 1)));
		cap = await post();
	}
	expect(cap.status(), await cap.text()).toBe(200);
	expect((await cap.json()).decision).toBe('hold');
	const seeded: Seeded = { lotId: lot.id, lotName, gateId: gate.id };
	writeFileSync(file, JSON.stringify(seeded));
	return seeded;
}

/** Saves a screenshot of the page at phone and desktop sizes under test-results/screens/. */
export async function screenshots(page: Page, name: string): Promise<void> {
	for (const [w, h] of [
		[360, 740],
		[1280, 800]
	] as const) {
		await page.setViewportSize({ width: w, height: h });
		await page.waitForTimeout(150);
		// nothing may make the page scroll sideways (wide tables scroll inside their own box)
		const wide = await page.evaluate((width) => {
			const out: string[] = [];
			for (const el of document.querySelectorAll('body *')) {
				const r = el.getBoundingClientRect();
				if (r.right > width + 1 && !el.parentElement?.closest('.table-wrap')) out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
			}
			return { scroll: document.documentElement.scrollWidth, out: out.slice(0, 8) };
		}, w);
		expect(wide.scroll, `${name} at ${w}px is ${wide.scroll}px wide: ${wide.out.join(', ')}`).toBeLessThanOrEqual(w);
		await page.screenshot({ path: join(root, 'test-results/screens', `${name}-${w}x${h}.png`), fullPage: true });
	}
}
