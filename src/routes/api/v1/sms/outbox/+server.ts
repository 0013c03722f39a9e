import { z } from 'zod';
import { endpoint } from '$lib/server/http/api';
import { page, pageSchema, readQuery } from '$lib/server/http/query';
import { outboxPage } from '$lib/server/sms/outbox';
import { outboxView } from '$lib/server/sms/views';
import type { RequestHandler } from './$types';

const query = pageSchema.extend({
	status: z.enum(['pending', 'sending', 'accepted', 'failed', 'cancelled']).optional(),
	kind: z.string().max(32).optional()
});

/** The outbox for admins, newest first: `{items, total, limit, offset, counts, configured}` (total: -1, see counts). */
export const GET: RequestHandler = endpoint(async ({ url, locals }) => {
	const { limit, offset, status, kind } = readQuery(url, query);
	const { rows, counts } = await outboxPage(locals.db, { status, kind }, limit, offset);
	return Response.json({ ...page(rows.map(outboxView), -1, limit, offset), counts, configured: locals.config.twilio !== undefined });
});
