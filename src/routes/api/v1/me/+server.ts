import { endpoint } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** Who the caller is: `{"user":{"id","email","role"},"session":{"kind","expires_at"}}`. */
export const GET: RequestHandler = endpoint(async ({ locals }) => {
	const session = locals.session!;
	return Response.json({ user: session.user, session: { kind: session.kind, expires_at: session.expiresAt } });
});
