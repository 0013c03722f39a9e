/**
 * The app's routes as SvelteKit sees them, found by walking `src/routes`: each route's id (as in
 * `event.route.id`) and the HTTP methods it answers. Used by the access-rule tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface RouteInfo {
	id: string;
	methods: string[];
	/** has a +page (a GET is a page view) */
	page: boolean;
	/** the methods its +server.ts answers (the JSON API; a page's GET and form POST are not in it) */
	endpoints: string[];
}

const ROUTES = join(import.meta.dirname, '../../src/routes');

export function appRoutes(dir = ROUTES): RouteInfo[] {
	const out: RouteInfo[] = [];
	const files = readdirSync(dir, { withFileTypes: true });
	const methods = new Set<string>();
	const endpoints = new Set<string>();
	let page = false;
	for (const f of files) {
		if (!f.isFile()) continue;
		if (/^\+page(@.*)?\.svelte$/.test(f.name)) {
			page = true;
			methods.add('GET');
		}
		if (/^\+page\.server\.ts$/.test(f.name) && /export const actions\b/.test(readFileSync(join(dir, f.name), 'utf8'))) methods.add('POST');
		if (/^\+server\.ts$/.test(f.name)) {
			// `export const GET`, `export function GET`, `export async function GET`; a fallback answers every method
			const source = readFileSync(join(dir, f.name), 'utf8');
			for (const m of source.matchAll(/export (?:const|(?:async )?function) (GET|POST|PUT|PATCH|DELETE|fallback)\b/g)) {
				for (const method of m[1] === 'fallback' ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : [m[1]!]) {
					methods.add(method);
					endpoints.add(method);
				}
			}
		}
	}
	if (methods.size) {
		const rel = relative(ROUTES, dir).split(sep).join('/');
		out.push({ id: rel ? `/${rel}` : '/', methods: [...methods].sort(), page, endpoints: [...endpoints].sort() });
	}
	for (const f of files) if (f.isDirectory()) out.push(...appRoutes(join(dir, f.name)));
	return out;
}

/** A concrete path for a route id: parameters filled with a harmless placeholder. */
export function samplePath(id: string): string {
	return id.replace(/\[\[?\.{0,3}[^\]]+\]\]?/g, 'zzzzzzzzzzzzzzzzzzzzzzzz').replace(/\/\([^)]+\)/g, '') || '/';
}

export const routesDirExists = () => existsSync(ROUTES);
