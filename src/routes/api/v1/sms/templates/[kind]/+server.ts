import { endpoint, readJson } from '$lib/server/http/api';
import { resetTemplate, saveTemplate, templateInputSchema } from '$lib/server/sms/templates';
import type { RequestHandler } from './$types';

/** `{"body"}`: refused (422 `invalid_template`) with an unknown placeholder or past two segments. */
export const PUT: RequestHandler = endpoint(async ({ request, params, locals }) => {
	const { body } = await readJson(request, templateInputSchema);
	return Response.json(await saveTemplate(locals.db, params.kind, body, locals.user!.id, Date.now()));
});

/** Back to the built-in wording. */
export const DELETE: RequestHandler = endpoint(async ({ params, locals }) => Response.json(await resetTemplate(locals.db, params.kind, locals.user!.id, Date.now())));
