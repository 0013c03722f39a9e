import { endpoint, readJson } from '$lib/server/http/api';
import { voidSchema, voidSession } from '$lib/server/parking/sessions';
import { sessionView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const { reason } = await readJson(request, voidSchema);
	return Response.json(sessionView(await voidSession(locals.db, params.id, reason, locals.user!.id, Date.now())));
});
