import { endpoint, readJson } from '$lib/server/http/api';
import { exitByPlateSchema } from '$lib/server/parking/api-schemas';
import { exitByPlate } from '$lib/server/parking/sessions';
import { sessionView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

/** `{"outcome":"ended","session"}`, or `mismatch` with candidates, or `no_entry` (both raise anomalies). */
export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, exitByPlateSchema);
	const out = await exitByPlate(locals.db, { ...input, at: input.at ?? Date.now() }, { userId: locals.user!.id }, locals.parking);
	if (out.kind === 'ended') return Response.json({ outcome: 'ended', session: sessionView(out.session) });
	return Response.json({ outcome: out.kind, ...(out.kind === 'mismatch' ? { candidates: out.candidates } : {}) });
});
