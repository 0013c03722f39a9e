/**
 * The database away (restarting, failed over, unreachable): a request that needs it fails at once
 * with 503 and `Retry-After` instead of a 500 or a hang — the JSON error shape for API clients, a
 * page that says so for people — and the next request after the server is back simply works (the
 * pool opens new connections by itself; nothing to restart).
 */
import type { Handle } from '@sveltejs/kit';
import { isUnavailable, unexpectedError } from './api.ts';
import { htmlPage } from './pages.ts';

/** What a page says while the database is away. */
export const UNAVAILABLE_MESSAGE = 'SPMS can’t reach its database just now. Nothing you did was lost; try again in a few seconds.';
/** Seconds a client is asked to wait: a restart of MariaDB takes a few, and clients back off anyway. */
export const UNAVAILABLE_RETRY_AFTER = '1';

const marked = new WeakSet<object>();

/**
 * For `handleError`: remembers that this request failed for the database being away (a page's
 * `load` throwing, which kit renders as a 500), so {@link unavailableHandle} answers 503.
 * @returns whether `error` is such a failure
 */
export function noteUnavailable(locals: object, error: unknown): boolean {
	if (!isUnavailable(error)) return false;
	marked.add(locals);
	return true;
}

/**
 * A handle (early in the sequence): the database failing anywhere below it — in a later handle
 * (reading the caller's session) or a page's `load` — answers 503 with `Retry-After`.
 * @param wantsJson whether the request is an API client's (JSON errors) rather than a browser's
 */
export function unavailableHandle(wantsJson: (request: Request, url: URL) => boolean): Handle {
	return async ({ event, resolve }) => {
		let response: Response;
		try {
			response = await resolve(event);
		} catch (error) {
			if (!isUnavailable(error)) throw error;
			return wantsJson(event.request, event.url) ? unexpectedError(error, event.route.id) : unavailablePage();
		}
		if (response.status !== 500 || !marked.has(event.locals)) return response;
		// kit rendered the error page (with the message handleError gave): the same page, as a 503
		const headers = new Headers(response.headers);
		headers.set('retry-after', UNAVAILABLE_RETRY_AFTER);
		headers.set('cache-control', 'no-store');
		return new Response(response.body, { status: 503, statusText: 'Service Unavailable', headers });
	};
}

/** The page for a browser when the database was away before any route could render. */
export function unavailablePage(): Response {
	const response = htmlPage(503, 'Briefly unavailable', UNAVAILABLE_MESSAGE);
	response.headers.set('retry-after', UNAVAILABLE_RETRY_AFTER);
	response.headers.set('cache-control', 'no-store');
	return response;
}
