import { endpoint } from '$lib/server/http/api';
import { removeFromHotlist } from '$lib/server/parking/permits';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = endpoint(async ({ params, locals }) => {
	await removeFromHotlist(locals.db, params.id, locals.user!.id, Date.now());
	return new Response(null, { status: 204 });
});
