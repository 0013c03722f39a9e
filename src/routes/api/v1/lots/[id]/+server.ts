import { endpoint, readJson } from '$lib/server/http/api';
import { changeLot, getLot, lotPatchSchema } from '$lib/server/parking/lots';
import { lotView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ params, locals }) => Response.json(lotView(await getLot(locals.db, params.id))));

export const PATCH: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const patch = await readJson(request, lotPatchSchema);
	return Response.json(lotView(await changeLot(locals.db, params.id, patch, locals.user!.id, Date.now())));
});
