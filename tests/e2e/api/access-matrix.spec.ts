/**
 * Every route × every method × every kind of caller, against the running app, held to the policy
 * declared in tests/support/policy.ts (not to the code that enforces it): anonymous, each role, a
 * gate's own device key, the key of a gate in another lot, and a revoked key. What the policy lets
 * through must not be refused (401 / 403 / a redirect to sign-in), whatever the handler then says;
 * what it doesn't must be refused, 401 or a sign-in redirect for a caller who isn't signed in with
 * the right kind of credential, 403 for one who is but may not. A route or method missing from the
 * policy table fails the test before any request is made.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectedOutcome, POLICY, SUBJECTS, type Subject } from '../../support/policy.ts';
import { appRoutes, samplePath } from '../../support/routes.ts';
import { bearer, createUser, tokenFor, type Role } from '../support.ts';

interface Identity {
	/** headers for a request; `fresh` asks for a new session (for routes that end the one they're called with) */
	headers: (fresh: boolean) => Promise<Record<string, string>>;
}

test('route × method × caller matrix against the declared policy', async ({ request, baseURL }) => {
	test.setTimeout(240_000);
	const routes = appRoutes();
	// the table and the app must list the same routes and methods
	const inApp = routes.flatMap((r) => r.methods.map((m) => `${m} ${r.id}`)).sort();
	const inPolicy = Object.entries(POLICY).flatMap(([id, p]) => Object.keys(p.methods).map((m) => `${m} ${id}`)).sort();
	expect(inApp.filter((x) => !inPolicy.includes(x)), 'routes without a line in tests/support/policy.ts').toEqual([]);
	expect(inPolicy.filter((x) => !inApp.includes(x)), 'policy lines for routes or methods that no longer exist').toEqual([]);

	const roles: Role[] = ['admin', 'operator', 'patrol', 'driver'];
	const users = Object.fromEntries(roles.map((r) => [r, createUser(baseURL, r)])) as Record<Role, { email: string; password: string }>;
	const adminToken = await tokenFor(request, users.admin);
	const admin = bearer(adminToken);
	const tag = `matrix ${Date.now().toString(36)}`;
	const lotA = await created(request, '/api/v1/lots', admin, { name: `${tag} A`, capacity: { car: 10 } });
	const lotB = await created(request, '/api/v1/lots', admin, { name: `${tag} B`, capacity: { car: 10 } });
	const keyA = await created(request, '/api/v1/device-keys', admin, { name: `${tag} gate A` });
	const keyB = await created(request, '/api/v1/device-keys', admin, { name: `${tag} gate B` });
	const gateA = await created(request, `/api/v1/lots/${lotA.id}/gates`, admin, { name: 'A in', direction: 'entry', deviceKeyId: keyA.id });
	await created(request, `/api/v1/lots/${lotB.id}/gates`, admin, { name: 'B in', direction: 'entry', deviceKeyId: keyB.id });
	const revoked = await created(request, '/api/v1/device-keys', admin, { name: `${tag} revoked` });
	expect((await request.delete(`/api/v1/device-keys/${revoked.id}`, { headers: admin })).status()).toBe(204);

	const identities = new Map<Subject, Identity>();
	identities.set('anonymous', { headers: async () => ({}) });
	for (const role of roles) {
		const token = await tokenFor(request, users[role]);
		identities.set(role, { headers: async (fresh) => bearer(fresh ? await tokenFor(request, users[role]) : token) });
	}
	identities.set('device', { headers: async () => bearer(keyA.key!) });
	identities.set('other-lot-device', { headers: async () => bearer(keyB.key!) });
	identities.set('revoked-device', { headers: async () => bearer(revoked.key!) });
	expect([...identities.keys()].sort()).toEqual([...SUBJECTS].sort());

	/** The route's path with real ids where the caller's right depends on them (the gate, the lot). */
	const pathOf = (id: string) => {
		const sample = POLICY[id]!.sample ?? id;
		const real = sample.replace(/^\/api\/v1\/gates\/\[id\]/, `/api/v1/gates/${gateA.id}`).replace(/^\/api\/v1\/lots\/\[id\]/, `/api/v1/lots/${lotA.id}`);
		return samplePath(real);
	};

	const failures: string[] = [];
	const seen = new Map<string, number>();
	for (const route of routes) {
		const policy = POLICY[route.id]!;
		for (const method of route.methods) {
			for (const [subject, identity] of identities) {
				const expected = expectedOutcome(policy.methods[method as keyof typeof policy.methods]!, subject);
				const page = route.page && (method === 'GET' || method === 'POST');
				const form = page || policy.body === 'form';
				// Node's fetch resolves on the headers, so a live event stream doesn't hold the test up
				const res = await fetch(new URL(pathOf(route.id), baseURL), {
					method,
					redirect: 'manual',
					headers: {
						...(await identity.headers(route.id === '/logout')),
						accept: page ? 'text/html' : 'application/json',
						// a capture's own headers, so its route gets as far as checking whose gate it is
						'idempotency-key': `matrix-${subject}`,
						'x-capture-time': new Date().toISOString(),
						...(method === 'GET' ? {} : { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' })
					},
					body: method === 'GET' ? undefined : form ? 'a=b' : '{}'
				});
				const text = await readSome(res);
				const status = res.status;
				const toSignIn = status === 303 && (res.headers.get('location') ?? '').startsWith('/login');
				const ok =
					expected === 'pass'
						? status !== 401 && status !== 403 && !toSignIn && status < 500
						: expected === 'forbidden'
							? status === 403
							: status === 401 || toSignIn;
				seen.set(expected, (seen.get(expected) ?? 0) + 1);
				if (!ok) failures.push(`${method} ${route.id} as ${subject}: expected ${expected}, got ${status} ${text.slice(0, 120)}`);
			}
		}
	}
	expect(failures).toEqual([]);
	// each outcome was really exercised
	expect(seen.get('pass')).toBeGreaterThan(100);
	expect(seen.get('unauthenticated')).toBeGreaterThan(100);
	expect(seen.get('forbidden')).toBeGreaterThan(50);
});

async function created(request: APIRequestContext, path: string, headers: Record<string, string>, data: unknown): Promise<{ id: string; key?: string }> {
	const res = await request.post(path, { headers, data });
	expect(res.status(), await res.text()).toBe(201);
	return res.json();
}

/** The first bytes of a body (an event stream never ends: stop there). */
async function readSome(res: Response): Promise<string> {
	if (!res.body) return '';
	const reader = res.body.getReader();
	if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
		await reader.cancel();
		return '';
	}
	let text = '';
	const decoder = new TextDecoder();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		text += decoder.decode(value, { stream: true });
		if (text.length > 2000) {
			await reader.cancel();
			break;
		}
	}
	return text;
}
