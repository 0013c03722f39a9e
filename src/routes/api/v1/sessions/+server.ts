import { endpoint, readJson } from '$lib/server/http/api';
import { page, readQuery } from '$lib/server/http/query';
import { sessionListQuery } from '$lib/server/parking/api-schemas';
import { searchSessions, startSession, startSessionSchema } from '$lib/server/parking/sessions';
import { sessionView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset, ...filter } = readQuery(url, sessionListQuery);
	const { rows, total } = await searchSessions(locals.db, filter, limit, offset);
	return Response.json(page(rows.map(sessionView), total, limit, offset));
});

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, startSessionSchema);
	const result = await startSession(locals.db, { ...input, at: input.at ?? Date.now() }, { userId: locals.user!.id }, locals.parking);
	return Response.json(
		{ ...sessionView(result.session), permit: result.permit !== null, hotlist: result.hotlist.map((h) => ({ reason: h.reason, priority: h.priority })), occupancy: result.occupancy },
		{ status: 201 }
	);
});
