import { redirect } from '@sveltejs/kit';
import { login } from '$lib/server/auth/accounts';
import { setSessionCookie } from '$lib/server/auth/request-auth';
import { loginSchema } from '$lib/server/auth/schemas';
import { formAction } from '$lib/server/http/forms';
import { safeNext } from '$lib/server/http/redirects';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

export const actions: Actions = {
	default: ({ request, locals, cookies, url, getClientAddress }) =>
		formAction(request, loginSchema, ['email', 'password'], async (input) => {
			const result = await login(locals.db, { ...input, ip: getClientAddress(), kind: 'cookie' }, Date.now(), locals.config.sessionDays);
			setSessionCookie(cookies, url, result.token, result.expiresAt);
			redirect(303, safeNext(url.searchParams.get('next')));
		})
};
