import { z } from 'zod';
import { endpoint, readJson } from '$lib/server/http/api';
import { issueUpload } from '$lib/server/storage';
import type { RequestHandler } from './$types';

const uploadSchema = z.strictObject({
	contentType: z.string().min(1).max(100),
	bytes: z.int('a whole number of bytes').min(1, '1 byte or more')
});

/**
 * A browser asks to upload an evidence photo: `{"contentType","bytes"}` → `{"key","method","url",
 * "headers","expiresAt"}`, a presigned PUT good for that type and exact size under `evidence/`.
 */
export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const input = await readJson(request, uploadSchema);
	const upload = await issueUpload(locals.images, { prefix: 'evidence/', contentType: input.contentType, bytes: input.bytes, scope: locals.user!.id }, Date.now());
	return Response.json(upload, { status: 201 });
});
