import { describe, expect, test } from 'vitest';
import { appRoutes } from '../../../../tests/support/routes.ts';
import { decide, ROUTE_RULES, type Caller } from './access.ts';

const routes = appRoutes();

describe('every route has an access rule', () => {
	test('the walk finds the routes', () => {
		expect(routes.map((r) => r.id)).toContain('/login');
	});

	test.each(routes.map((r) => [r.id, r] as const))('%s has a rule', (_id, route) => {
		expect(ROUTE_RULES[route.id], `add "${route.id}" to ROUTE_RULES in src/lib/server/http/access.ts`).toBeDefined();
	});

	test('no rule is left for a route that no longer exists', () => {
		const ids = new Set(routes.map((r) => r.id));
		expect(Object.keys(ROUTE_RULES).filter((id) => !ids.has(id))).toEqual([]);
	});
});

describe('decide', () => {
	const anon: Caller = { user: null, device: null };
	const driver: Caller = { user: { role: 'driver' }, device: null };
	const admin: Caller = { user: { role: 'admin' }, device: null };
	const device: Caller = { user: null, device: { id: 'd' } };
	const rules = {
		'/open': { kind: 'public' },
		'/staff': { kind: 'roles', roles: ['admin', 'operator'] },
		'/mixed': { methods: { GET: { kind: 'signed_in' }, POST: { kind: 'device' } } }
	} as const;

	test.each([
		['/open', 'GET', anon, 'allow'],
		['/staff', 'GET', anon, 'unauthenticated'],
		['/staff', 'GET', driver, 'forbidden'],
		['/staff', 'GET', admin, 'allow'],
		['/staff', 'GET', device, 'unauthenticated'],
		['/mixed', 'HEAD', driver, 'allow'],
		['/mixed', 'POST', driver, 'unauthenticated'],
		['/mixed', 'POST', device, 'allow'],
		['/mixed', 'DELETE', admin, 'forbidden'],
		['/unknown', 'GET', admin, 'no_rule']
	] as const)('%s %s → %s', (route, method, caller, expected) => {
		expect(decide(route, method, caller, rules)).toBe(expected);
	});
});
