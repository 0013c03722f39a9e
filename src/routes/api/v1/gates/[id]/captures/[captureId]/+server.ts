import { endpoint } from '$lib/server/http/api';
import { captureView } from '$lib/server/gates/captures';
import type { RequestHandler } from './$types';

/** One capture with a short-lived link to its photo (a presigned GET on S3, a signed local URL). */
export const GET: RequestHandler = endpoint(async ({ params, locals }) => Response.json(await captureView(locals.db, locals.images, params.id, params.captureId)));
