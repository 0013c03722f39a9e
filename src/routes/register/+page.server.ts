import { redirect } from '@sveltejs/kit';
import { login, registerUser } from '$lib/server/auth/accounts';
import { setSessionCookie } from '$lib/server/auth/request-auth';
import { registerSchema } from '$lib/server/auth/schemas';
import { formAction } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: ({ request, locals, cookies, url, getClientAddress }) =>
		formAction(request, registerSchema, ['email', 'password'], async (input) => {
			const now = Date.now();
			await registerUser(locals.db, input, now);
			const session = await login(locals.db, { ...input, ip: getClientAddress(), kind: 'cookie' }, now, locals.config.sessionDays);
			setSessionCookie(cookies, url, session.token, session.expiresAt);
			redirect(303, '/');
		})
};
