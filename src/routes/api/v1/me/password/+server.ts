import { changePassword } from '$lib/server/auth/accounts';
import { changePasswordSchema } from '$lib/server/auth/schemas';
import { endpoint, readJson } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** `POST {"currentPassword","newPassword"}` → 204; every other session of the user is revoked. */
export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, changePasswordSchema);
	const session = locals.session!;
	await changePassword(locals.db, { userId: session.user.id, currentSessionId: session.id, ...input }, Date.now());
	return new Response(null, { status: 204 });
});
