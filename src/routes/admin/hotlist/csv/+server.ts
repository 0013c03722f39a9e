import { endpoint } from '$lib/server/http/api';
import { exportHotlist } from '$lib/server/lists/plate-lists';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ locals }) =>
	new Response(await exportHotlist(locals.db, locals.config.defaultTimeZone, Date.now()), {
		headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="spms-hotlist.csv"', 'cache-control': 'no-store' }
	})
);
