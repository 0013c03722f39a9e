import { endpoint, readJson } from '$lib/server/http/api';
import { correctSchema, correctSession } from '$lib/server/parking/sessions';
import { sessionView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const input = await readJson(request, correctSchema);
	return Response.json(sessionView(await correctSession(locals.db, params.id, input, locals.user!.id, Date.now())));
});
