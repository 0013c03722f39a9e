import { endpoint, readJson } from '$lib/server/http/api';
import { getAnomaly, reviewAnomaly, reviewSchema } from '$lib/server/parking/anomalies';
import { anomalyView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ params, locals }) => Response.json(anomalyView(await getAnomaly(locals.db, params.id))));

export const PATCH: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const input = await readJson(request, reviewSchema);
	return Response.json(anomalyView(await reviewAnomaly(locals.db, params.id, input, locals.user!.id, Date.now())));
});
