import { jsonError } from '$lib/server/http/api';
import { AppError } from '$lib/server/http/errors';
import { EXPOSITION_TYPE, scrape } from '$lib/server/metrics';
import { mayScrape } from '$lib/server/metrics/access';
import type { RequestHandler } from './$types';

/**
 * Prometheus metrics (text format 0.0.4), for a scraper with `Authorization: Bearer
 * <METRICS_TOKEN>` or from an address in `METRICS_ALLOW` (loopback by default).
 */
export const GET: RequestHandler = async ({ request, locals, getClientAddress }) => {
	if (!mayScrape(locals.config.metrics, getClientAddress(), request.headers.get('authorization'))) {
		const response = jsonError(new AppError(401, 'unauthorized', 'Send the metrics token (Authorization: Bearer …), or scrape from an allowed address.'));
		response.headers.set('www-authenticate', 'Bearer realm="metrics"');
		return response;
	}
	return new Response(await scrape(locals.db), { headers: { 'content-type': EXPOSITION_TYPE, 'cache-control': 'no-store' } });
};
