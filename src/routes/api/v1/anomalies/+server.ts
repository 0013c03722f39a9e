import { endpoint } from '$lib/server/http/api';
import { page, readQuery } from '$lib/server/http/query';
import { anomalies } from '$lib/server/parking/anomalies';
import { anomalyListQuery } from '$lib/server/parking/api-schemas';
import { anomalyView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset, ...filter } = readQuery(url, anomalyListQuery);
	const { rows, total } = await anomalies(locals.db, filter, limit, offset);
	return Response.json(page(rows.map(anomalyView), total, limit, offset));
});
