import { endpoint, readJson } from '$lib/server/http/api';
import { page, readQuery } from '$lib/server/http/query';
import { hotlistListQuery } from '$lib/server/parking/api-schemas';
import { addToHotlist, hotlistEntries, hotlistInputSchema } from '$lib/server/parking/permits';
import { hotlistView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset } = readQuery(url, hotlistListQuery);
	const rows = await hotlistEntries(locals.db, Date.now(), limit + 1, offset);
	return Response.json({ ...page(rows.slice(0, limit).map(hotlistView), -1, limit, offset), hasMore: rows.length > limit });
});

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, hotlistInputSchema);
	return Response.json(hotlistView(await addToHotlist(locals.db, input, locals.user!.id, Date.now())), { status: 201 });
});
