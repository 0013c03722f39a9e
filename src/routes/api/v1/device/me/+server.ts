import { endpoint } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** A device checks its key: `{"device":{"id","name"}}`. */
export const GET: RequestHandler = endpoint(async ({ locals }) => Response.json({ device: locals.device }));
