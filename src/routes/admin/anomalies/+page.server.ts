import { z } from 'zod';
import { ANOMALY_KINDS } from '$lib/parking';
import { anomalies } from '$lib/server/parking/anomalies';
import { lots } from '$lib/server/parking/lots';
import { plateInputSchema } from '$lib/server/parking/sessions';
import type { PageServerLoad } from './$types';

const empty = z.literal('').transform(() => undefined);
const filterSchema = z.object({
	lotId: z.string().max(64).optional().or(empty),
	kind: z.enum(ANOMALY_KINDS).optional().or(empty),
	status: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('open'),
	plate: plateInputSchema.optional().or(empty),
	offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const parsed = filterSchema.safeParse(Object.fromEntries(url.searchParams));
	const f = parsed.success ? parsed.data : filterSchema.parse({});
	const { status, offset, ...rest } = f;
	const list = await anomalies(locals.db, { ...rest, status: status === 'all' ? undefined : status }, 50, offset);
	return {
		filter: { lotId: f.lotId ?? '', kind: f.kind ?? '', status, plate: f.plate ?? '', offset },
		error: parsed.success ? null : 'Some filters were not understood and were left out.',
		kinds: [...ANOMALY_KINDS],
		lots: (await lots(locals.db)).map(({ id, name, timeZone }) => ({ id, name, timeZone })),
		rows: list.rows.map(({ id, lotId, kind, plate, status, detectedAt, occurrences, note }) => ({ id, lotId, kind, plate, status, detectedAt, occurrences, note })),
		total: list.total
	};
};
