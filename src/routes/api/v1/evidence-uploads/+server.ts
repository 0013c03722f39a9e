import { endpoint, readJson } from '$lib/server/http/api';
import { getLot } from '$lib/server/parking/lots';
import { issueUpload, uploadRequestSchema } from '$lib/server/storage';
import type { RequestHandler } from './$types';

/**
 * A browser asks to upload an evidence photo: `{"lotId","contentType","bytes"}` → `{"key",
 * "method","url","headers","expiresAt"}`, a presigned PUT good for that type and exact size under
 * `evidence/{lotId}/` (kept for the lot's image retention days).
 */
export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, uploadRequestSchema);
	const lot = await getLot(locals.db, input.lotId);
	const upload = await issueUpload(locals.images, { prefix: 'evidence/', contentType: input.contentType, bytes: input.bytes, scope: lot.id }, Date.now());
	return Response.json(upload, { status: 201 });
});
