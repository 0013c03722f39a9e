import { endpoint, readJson } from '$lib/server/http/api';
import { changeGate, gatePatchSchema, getGate } from '$lib/server/parking/lots';
import { gateView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ params, locals }) => Response.json(gateView(await getGate(locals.db, params.id))));

export const PATCH: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const patch = await readJson(request, gatePatchSchema);
	return Response.json(gateView(await changeGate(locals.db, params.id, patch, locals.user!.id, Date.now())));
});
