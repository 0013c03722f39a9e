import { setUserRole } from '$lib/server/auth/accounts';
import { roleChangeSchema } from '$lib/server/auth/schemas';
import { endpoint, readJson } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** `PATCH {"role"}` → 204. The user's sessions end, so the new role applies at once. */
export const PATCH: RequestHandler = endpoint(async ({ request, params, locals }) => {
	const { role } = await readJson(request, roleChangeSchema);
	await setUserRole(locals.db, params.id, role, locals.user!.id, Date.now());
	return new Response(null, { status: 204 });
});
