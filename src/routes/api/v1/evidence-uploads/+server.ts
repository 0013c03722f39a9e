import { endpoint, readJson } from '$lib/server/http/api';
import { issueUpload, uploadRequestSchema } from '$lib/server/storage';
import type { RequestHandler } from './$types';

/**
 * A browser asks to upload an evidence photo: `{"contentType","bytes"}` → `{"key","method","url",
 * "headers","expiresAt"}`, a presigned PUT good for that type and exact size under `evidence/`.
 */
export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, uploadRequestSchema);
	const upload = await issueUpload(locals.images, { prefix: 'evidence/', contentType: input.contentType, bytes: input.bytes, scope: locals.user!.id }, Date.now());
	return Response.json(upload, { status: 201 });
});
