/**
 * Every route × every kind of caller, against the running app: what the rule in
 * src/lib/server/http/access.ts allows gets through, what it doesn't is refused (401 / 403, or a
 * redirect to sign-in for a page), whatever the handler would have done.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { decide, type Caller } from '../../../src/lib/server/http/access.ts';
import { appRoutes, samplePath } from '../../support/routes.ts';
import { bearer, createUser, tokenFor, type Role } from '../support.ts';

type CallerName = 'anonymous' | Role | 'device' | 'revoked-device';

interface Identity {
	caller: Caller;
	/** headers for a request; `fresh` asks for a new session (for routes that end the one they're called with) */
	headers: (fresh: boolean) => Promise<Record<string, string>>;
}

test('route × caller matrix', async ({ request, baseURL }) => {
	test.setTimeout(180_000);
	const identities = new Map<CallerName, Identity>();
	const roles: Role[] = ['admin', 'operator', 'patrol', 'driver'];
	const users = Object.fromEntries(roles.map((r) => [r, createUser(baseURL, r)])) as Record<Role, { email: string; password: string }>;
	const adminToken = await tokenFor(request, users.admin);
	identities.set('anonymous', { caller: { user: null, device: null }, headers: async () => ({}) });
	for (const role of roles) {
		const token = await tokenFor(request, users[role]);
		identities.set(role, { caller: { user: { role }, device: null }, headers: async (fresh) => bearer(fresh ? await tokenFor(request, users[role]) : token) });
	}
	const device = await newDeviceKey(request, adminToken, 'matrix gate');
	const revoked = await newDeviceKey(request, adminToken, 'matrix revoked');
	expect((await request.delete(`/api/v1/device-keys/${revoked.id}`, { headers: bearer(adminToken) })).status()).toBe(204);
	identities.set('device', { caller: { user: null, device: { id: device.id } }, headers: async () => bearer(device.key) });
	identities.set('revoked-device', { caller: { user: null, device: null }, headers: async () => bearer(revoked.key) });

	const failures: string[] = [];
	let checked = 0;
	for (const route of appRoutes()) {
		for (const method of route.methods) {
			for (const [name, identity] of identities) {
				const expected = decide(route.id, method, identity.caller);
				const page = route.page && (method === 'GET' || method === 'POST');
				// Node's fetch resolves on the headers, so a live event stream doesn't hold the test up
				const res = await fetch(new URL(samplePath(route.id), baseURL), {
					method,
					redirect: 'manual',
					headers: {
						...(await identity.headers(route.id === '/logout')),
						accept: page ? 'text/html' : 'application/json',
						...(method === 'GET' ? {} : { 'content-type': page ? 'application/x-www-form-urlencoded' : 'application/json' })
					},
					body: method === 'GET' ? undefined : page ? '' : '{}'
				});
				await res.body?.cancel();
				const status = res.status;
				const toSignIn = status === 303 && (res.headers.get('location') ?? '').startsWith('/login');
				const ok =
					expected === 'allow'
						? status !== 401 && status !== 403 && !toSignIn
						: expected === 'forbidden'
							? status === 403
							: status === 401 || toSignIn;
				checked++;
				if (!ok) failures.push(`${method} ${route.id} as ${name}: expected ${expected}, got ${status}`);
			}
		}
	}
	expect(failures).toEqual([]);
	expect(checked).toBeGreaterThan(100);
});

async function newDeviceKey(request: APIRequestContext, adminToken: string, name: string): Promise<{ id: string; key: string }> {
	const res = await request.post('/api/v1/device-keys', { headers: bearer(adminToken), data: { name } });
	expect(res.status()).toBe(201);
	return res.json();
}
