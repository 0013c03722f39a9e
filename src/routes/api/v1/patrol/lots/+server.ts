import { endpoint } from '$lib/server/http/api';
import { lotsForCaller } from '$lib/server/patrol/snapshot';
import type { RequestHandler } from './$types';

/** The lots the caller works in, with their gates, for the apps' pickers. */
export const GET: RequestHandler = endpoint(async ({ locals }) => Response.json({ items: await lotsForCaller(locals.db, locals.user!) }));
