/**
 * Signs out: ends the current session (cookie or bearer token). A browser form is sent on to the
 * sign-in page; an API client gets 204.
 */
import { invalidateSession } from '$lib/server/auth/sessions';
import { clearSessionCookie } from '$lib/server/auth/request-auth';
import { endpoint } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ request, locals, cookies, url }) => {
	if (locals.session) await invalidateSession(locals.db, locals.session.id);
	clearSessionCookie(cookies, url);
	const fromForm = (request.headers.get('content-type') ?? '').includes('form');
	return fromForm ? new Response(null, { status: 303, headers: { location: '/login' } }) : new Response(null, { status: 204 });
});
