/** The original API: `GET /sessions` → a JSON array of sessions, newest first (a driver sees their own). */
import { endpoint } from '$lib/server/http/api';
import { readQuery } from '$lib/server/http/query';
import { pageSchema } from '$lib/server/http/query';
import { legacySession } from '$lib/server/parking/legacy';
import { searchSessions } from '$lib/server/parking/sessions';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset } = readQuery(url, pageSchema.strict());
	const user = locals.user!;
	const filter = user.role === 'driver' ? { startedBy: user.id } : {};
	const { rows } = await searchSessions(locals.db, filter, limit, offset);
	return Response.json(rows.map((s) => legacySession(s)));
});
