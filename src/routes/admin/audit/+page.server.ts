import { z } from 'zod';
import { auditEntries } from '$lib/server/audit/audit-log';
import type { PageServerLoad } from './$types';

const empty = z.literal('').transform(() => undefined);
const filterSchema = z.object({
	entity: z.string().trim().max(64).optional().or(empty),
	entityId: z.string().trim().max(64).optional().or(empty),
	action: z.string().trim().max(64).optional().or(empty),
	offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const parsed = filterSchema.safeParse(Object.fromEntries(url.searchParams));
	const f = parsed.success ? parsed.data : filterSchema.parse({});
	const rows = await auditEntries(locals.db, { entity: f.entity, entityId: f.entityId, action: f.action }, 101, f.offset);
	return {
		filter: { entity: f.entity ?? '', entityId: f.entityId ?? '', action: f.action ?? '', offset: f.offset },
		rows: rows.slice(0, 100),
		more: rows.length > 100,
		timeZone: locals.config.defaultTimeZone
	};
};
