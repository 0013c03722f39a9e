/** The original JSON API: `POST /login {"email","password"}` → `{"token","user":{"id","email","role"}}`. */
import { login } from '$lib/server/auth/accounts';
import { loginSchema } from '$lib/server/auth/schemas';
import { endpoint, readJson } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ request, locals, getClientAddress }) => {
	const input = await readJson(request, loginSchema);
	const result = await login(locals.db, { ...input, ip: getClientAddress(), kind: 'bearer' }, Date.now(), locals.config.sessionDays);
	return Response.json({ token: result.token, expires_at: result.expiresAt, user: result.user });
});
