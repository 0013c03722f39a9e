import { lots } from '$lib/server/parking/lots';
import { trainingExamples } from '$lib/server/training/export';
import type { PageServerLoad } from './$types';

const DAY = 86_400_000;

export const load: PageServerLoad = async ({ locals }) => {
	const now = Date.now();
	const examples = await trainingExamples(locals.db, { from: now - 3650 * DAY, until: now + DAY }, now);
	const allLots = await lots(locals.db);
	return {
		lots: allLots.map(({ id, name, imageRetentionDays }) => ({ id, name, imageRetentionDays, examples: examples.filter((e) => e.lotId === id).length })),
		total: examples.length,
		corrected: examples.filter((e) => e.read !== null).length,
		recent: examples.slice(0, 20).map(({ captureId, text, read, source, at, lotId }) => ({ captureId, text, read, source, at, lotId })),
		timeZone: locals.config.defaultTimeZone
	};
};
