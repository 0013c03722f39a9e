import { readiness } from '$lib/server/metrics/readiness';
import type { RequestHandler } from './$types';

/**
 * Readiness: 200 when the database answers, is migrated and images can be stored; else 503 with
 * the reasons (`{"status":"not_ready","reasons":[…],"checks":{…}}`). `/healthz` is liveness.
 */
export const GET: RequestHandler = async ({ locals }) => {
	const r = await readiness({ db: locals.db, images: locals.images, config: locals.config });
	return Response.json(
		{ status: r.ready ? 'ready' : 'not_ready', reasons: r.reasons, checks: r.checks },
		{ status: r.ready ? 200 : 503, headers: { 'cache-control': 'no-store', ...(r.ready ? {} : { 'retry-after': '5' }) } }
	);
};
