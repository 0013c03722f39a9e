import { endpoint, readJson } from '$lib/server/http/api';
import { endSession, endSessionSchema } from '$lib/server/parking/sessions';
import { sessionView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const input = await readJson(request, endSessionSchema);
	const session = await endSession(locals.db, params.id, { ...input, at: input.at ?? Date.now() }, { userId: locals.user!.id }, locals.parking);
	return Response.json(sessionView(session));
});
