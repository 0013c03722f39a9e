import { endpoint } from '$lib/server/http/api';
import { relayCamera } from '$lib/server/cameras/relay';
import type { RequestHandler } from './$types';

/** A gate's camera (`id` is the gate's id) as MJPEG, relayed for staff who work in its lot. */
export const GET: RequestHandler = endpoint(async ({ params, request, locals }) => relayCamera(locals.db, locals.user!, params.id, request.signal));
