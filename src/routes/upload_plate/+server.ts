/** The original API: `POST /upload_plate` (multipart `image`) → `{"plate","confidence"}`; `plate` is null below OCR_CONFIDENCE_THRESHOLD. */
import { readImageBody } from '$lib/server/http/body';
import { endpoint } from '$lib/server/http/api';
import { captureReader } from '$lib/server/gates';
import { MAX_CAPTURE_BYTES } from '$lib/server/gates/captures';
import { readUploadedPlate } from '$lib/server/gates/upload-plate';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const image = await readImageBody(request, MAX_CAPTURE_BYTES);
	return Response.json(await readUploadedPlate(captureReader(locals.config.lprWorkers), image, locals.config.ocrConfidenceThreshold));
});
