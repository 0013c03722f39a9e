/** The original JSON API: `POST /register {"email","password"}` → 201 with the new driver account. */
import { registerUser } from '$lib/server/auth/accounts';
import { registerSchema } from '$lib/server/auth/schemas';
import { endpoint, readJson } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, registerSchema);
	const user = await registerUser(locals.db, input, Date.now());
	return Response.json({ message: 'User registered successfully', user }, { status: 201 });
});
