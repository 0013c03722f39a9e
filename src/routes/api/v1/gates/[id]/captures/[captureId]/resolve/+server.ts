import { endpoint, readJson } from '$lib/server/http/api';
import { resolveHold, resolveSchema } from '$lib/server/gates/holds';
import type { RequestHandler } from './$types';

/** An operator lets a held car through: `{"plate"?,"reason"}` → `{"command","session_id","plate"}` (409 `payment_due` until paid). */
export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const input = await readJson(request, resolveSchema);
	return Response.json(await resolveHold(locals.db, locals.parking, params.id, params.captureId, input, locals.user!.id, Date.now()), { status: 201 });
});
