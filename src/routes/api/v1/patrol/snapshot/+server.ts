import { endpoint } from '$lib/server/http/api';
import { readQuery } from '$lib/server/http/query';
import { patrolSnapshot, snapshotQuery } from '$lib/server/patrol/snapshot';
import type { RequestHandler } from './$types';

/** `?lotId=` → what a patrol phone needs to answer offline in that lot. */
export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { lotId } = readQuery(url, snapshotQuery);
	return Response.json(await patrolSnapshot(locals.db, locals.parking, locals.user!, lotId, Date.now()), { headers: { 'cache-control': 'no-store' } });
});
