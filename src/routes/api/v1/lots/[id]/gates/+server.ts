import { endpoint, readJson } from '$lib/server/http/api';
import { createGate, gateInputSchema, gates, getLot } from '$lib/server/parking/lots';
import { gateView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ params, locals }) => {
	await getLot(locals.db, params.id);
	return Response.json({ items: (await gates(locals.db, params.id)).map(gateView) });
});

export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const input = await readJson(request, gateInputSchema);
	return Response.json(gateView(await createGate(locals.db, params.id, input, locals.user!.id, Date.now())), { status: 201 });
});
