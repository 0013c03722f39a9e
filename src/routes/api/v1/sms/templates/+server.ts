import { endpoint } from '$lib/server/http/api';
import { listTemplates } from '$lib/server/sms/templates';
import type { RequestHandler } from './$types';

/** Every message kind with its template in force and the placeholders it may use. */
export const GET: RequestHandler = endpoint(async ({ locals }) => Response.json({ items: await listTemplates(locals.db) }));
