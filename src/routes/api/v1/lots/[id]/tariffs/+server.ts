import { endpoint } from '$lib/server/http/api';
import { lotPlans } from '$lib/server/parking/tariffs';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ params, locals }) => Response.json({ items: await lotPlans(locals.db, params.id, locals.parking) }));
