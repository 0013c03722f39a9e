import { vehicleClassSchema } from '$lib/parking';
import { endpoint, parseWith, readJson } from '$lib/server/http/api';
import { setPlan } from '$lib/server/parking/tariffs';
import { z } from 'zod';
import type { RequestHandler } from './$types';

/** The body is validated by the tariff plan schema inside `setPlan` (422 lists contradictions). */
export const PUT: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const vehicleClass = parseWith(vehicleClassSchema, params.vehicleClass);
	const body = await readJson(request, z.unknown());
	const plan = await setPlan(locals.db, params.id, vehicleClass, body, locals.user!.id, Date.now());
	return Response.json({ vehicleClass, plan });
});
