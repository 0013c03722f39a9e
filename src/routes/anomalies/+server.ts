/** The original API: `GET /anomalies` → a JSON array of anomalies, newest first. */
import { endpoint } from '$lib/server/http/api';
import { pageSchema, readQuery } from '$lib/server/http/query';
import { anomalies } from '$lib/server/parking/anomalies';
import { legacyAnomaly } from '$lib/server/parking/legacy';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset } = readQuery(url, pageSchema.strict());
	const { rows } = await anomalies(locals.db, {}, limit, offset);
	return Response.json(rows.map(legacyAnomaly));
});
