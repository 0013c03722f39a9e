import { endpoint, readJson } from '$lib/server/http/api';
import { syncActions, syncRequestSchema } from '$lib/server/patrol/sync';
import type { RequestHandler } from './$types';

/**
 * `POST {"actions":[…]}` → `{"results":[{"id","status","code"?,"message"?,"sessionId"?,"replayed"?}]}`:
 * the patrol app's outbox, applied once per action id (see `$lib/server/patrol/sync`).
 */
export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const { actions } = await readJson(request, syncRequestSchema, 256 * 1024);
	const results = await syncActions(locals.db, locals.parking, locals.user!, actions, Date.now());
	return Response.json({ results });
});
