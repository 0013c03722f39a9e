import { z } from 'zod';
import { endpoint } from '$lib/server/http/api';
import { readQuery } from '$lib/server/http/query';
import { formatLocalDate, localDateAt } from '$lib/parking/time-zone';
import { exportTrainingData } from '$lib/server/training/export';
import type { RequestHandler } from './$types';

const DAY = 86_400_000;
const query = z.strictObject({
	days: z.coerce.number().int().min(1).max(3650).default(365),
	exclude: z.string().max(2000).optional()
});

/** The confirmed and corrected plates as a dataset folder (images + labels.jsonl) in a tar archive. */
export const GET: RequestHandler = endpoint(async ({ locals, url }) => {
	const q = readQuery(url, query);
	const now = Date.now();
	const name = `spms-training-${formatLocalDate(localDateAt(now, locals.config.defaultTimeZone))}`;
	const excludeLotIds = q.exclude ? q.exclude.split(',').filter(Boolean) : [];
	const { archive, examples } = await exportTrainingData(locals.db, locals.images, { from: now - q.days * DAY, until: now + DAY, excludeLotIds }, name, now);
	return new Response(archive as Uint8Array<ArrayBuffer>, {
		headers: { 'content-type': 'application/x-tar', 'content-disposition': `attachment; filename="${name}.tar"`, 'x-examples': String(examples), 'cache-control': 'no-store' }
	});
});
