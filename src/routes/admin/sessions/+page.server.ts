import { z } from 'zod';
import { lots } from '$lib/server/parking/lots';
import { plateInputSchema, searchSessions } from '$lib/server/parking/sessions';
import { localRange, parseLocalDate } from '$lib/server/reports/time-buckets';
import type { PageServerLoad } from './$types';

const empty = z.literal('').transform(() => undefined);
const date = z.string().refine((s) => parseLocalDate(s) !== null).optional().or(empty);
const filterSchema = z.object({
	plate: plateInputSchema.optional().or(empty),
	lotId: z.string().max(64).optional().or(empty),
	status: z.enum(['active', 'completed', 'voided']).optional().or(empty),
	from: date,
	to: date,
	offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const parsed = filterSchema.safeParse(Object.fromEntries(url.searchParams));
	const f = parsed.success ? parsed.data : filterSchema.parse({});
	const allLots = await lots(locals.db);
	// dates are the chosen lot's local dates (or the first lot's, or the configured zone's)
	const zone = allLots.find((l) => l.id === f.lotId)?.timeZone ?? allLots[0]?.timeZone ?? locals.config.defaultTimeZone;
	const from = f.from ? localRange(parseLocalDate(f.from)!, parseLocalDate(f.from)!, zone).from : undefined;
	const until = f.to ? localRange(parseLocalDate(f.to)!, parseLocalDate(f.to)!, zone).until : undefined;
	const { rows, total } = await searchSessions(locals.db, { plate: f.plate, lotId: f.lotId, status: f.status, from, until }, 50, f.offset);
	return {
		filter: { plate: f.plate ?? '', lotId: f.lotId ?? '', status: f.status ?? '', from: f.from ?? '', to: f.to ?? '', offset: f.offset },
		error: parsed.success ? null : 'Some filters were not understood (a plate is 2–12 letters and digits; dates are YYYY-MM-DD) and were left out.',
		lots: allLots.map(({ id, name, timeZone, currency }) => ({ id, name, timeZone, currency })),
		rows: rows.map(({ id, lotId, plate, vehicleClass, status, entryAt, exitAt, feePaise, paidPaise }) => ({ id, lotId, plate, vehicleClass, status, entryAt, exitAt, feePaise, paidPaise })),
		total
	};
};
