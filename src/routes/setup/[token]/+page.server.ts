import { error, redirect } from '@sveltejs/kit';
import { login } from '$lib/server/auth/accounts';
import { setSessionCookie } from '$lib/server/auth/request-auth';
import { setupSchema } from '$lib/server/auth/schemas';
import { completeSetup, setupTokenIsLive } from '$lib/server/auth/setup';
import { formAction } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	if (!(await setupTokenIsLive(locals.db, params.token, Date.now()))) {
		error(410, 'This setup link has been used or has expired. Restart the server to print a new one, or run `npm run admin:create`.');
	}
	return {};
};

export const actions: Actions = {
	default: ({ request, params, locals, cookies, url, getClientAddress }) =>
		formAction(request, setupSchema, ['email', 'password'], async (input) => {
			const now = Date.now();
			await completeSetup(locals.db, params.token, input, now);
			const session = await login(locals.db, { ...input, ip: getClientAddress(), kind: 'cookie' }, now, locals.config.sessionDays);
			setSessionCookie(cookies, url, session.token, session.expiresAt);
			redirect(303, '/admin');
		})
};
