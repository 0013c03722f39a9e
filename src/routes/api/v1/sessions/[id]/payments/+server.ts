import { endpoint, readJson } from '$lib/server/http/api';
import { paymentSchema, paySession } from '$lib/server/parking/sessions';
import { paymentView, sessionView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

/** 201 for a new payment, 200 when the same client-made id was recorded before. */
export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const input = await readJson(request, paymentSchema);
	const out = await paySession(locals.db, params.id, { ...input, at: input.at ?? Date.now() }, { userId: locals.user!.id });
	return Response.json({ ...paymentView(out.payment), session: sessionView(out.session) }, { status: out.duplicate ? 200 : 201 });
});
