import { z } from 'zod';
import { endpoint } from '$lib/server/http/api';
import { page, pageSchema, readQuery } from '$lib/server/http/query';
import { patrolActions } from '$lib/server/patrol/actions';
import { PATROL_ACTION_KINDS } from '$lib/server/patrol/sync';
import type { RequestHandler } from './$types';

const query = pageSchema.extend({ lotId: z.string().min(1).max(64), kind: z.enum(PATROL_ACTION_KINDS).optional(), mine: z.enum(['true', 'false']).optional() });

/** `?lotId=&kind=&mine=true` → the synced patrol actions of a lot, oldest first. */
export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset, lotId, kind, mine } = readQuery(url, query);
	const { rows, total } = await patrolActions(locals.db, locals.user!, { lotId, kind, userId: mine === 'true' ? locals.user!.id : undefined }, limit, offset);
	return Response.json(page(rows, total, limit, offset));
});
