import { endpoint, readJson } from '$lib/server/http/api';
import { setUserLots, userLotsSchema } from '$lib/server/patrol/lots-access';
import type { RequestHandler } from './$types';

/** `PUT {"lotIds":[…]}` → `{"lotIds"}`: limits a staff account to these lots (`[]`: every lot). */
export const PUT: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const { lotIds } = await readJson(request, userLotsSchema);
	return Response.json({ lotIds: await setUserLots(locals.db, params.id, lotIds, locals.user!.id, Date.now()) });
});
