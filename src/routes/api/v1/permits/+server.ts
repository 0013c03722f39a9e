import { endpoint, readJson } from '$lib/server/http/api';
import { page, readQuery } from '$lib/server/http/query';
import { permitListQuery } from '$lib/server/parking/api-schemas';
import { createPermit, permitInputSchema, permits } from '$lib/server/parking/permits';
import { permitView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset, plate } = readQuery(url, permitListQuery);
	const rows = await permits(locals.db, plate, limit + 1, offset);
	// total is not counted for permits: `hasMore` tells whether another page exists
	return Response.json({ ...page(rows.slice(0, limit).map(permitView), -1, limit, offset), hasMore: rows.length > limit });
});

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, permitInputSchema);
	return Response.json(permitView(await createPermit(locals.db, input, locals.user!.id, Date.now())), { status: 201 });
});
