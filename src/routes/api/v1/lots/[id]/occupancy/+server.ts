import { endpoint } from '$lib/server/http/api';
import { lotOccupancy } from '$lib/server/parking/occupancy';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ params, locals }) => Response.json(await lotOccupancy(locals.db, params.id)));
