import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { AppError } from '$lib/server/http/errors';
import { formAction } from '$lib/server/http/forms';
import { gates, getLot } from '$lib/server/parking/lots';
import { reviewAnomaly, reviewSchema } from '$lib/server/parking/anomalies';
import { anomalyEvidence, mergeMisreadExit, mergeSchema } from '$lib/server/review/anomalies';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const evidence = await anomalyEvidence(locals.db, locals.images, params.id).catch((e: unknown) => {
		// a wrong link is a 404 page with the service's message, not a 500
		if (e instanceof AppError) error(e.status, e.message);
		throw e;
	});
	const lot = await getLot(locals.db, evidence.anomaly.lotId);
	const { dedupKey: _k, ...anomaly } = evidence.anomaly;
	const gateNames = Object.fromEntries((await gates(locals.db, lot.id)).map((g) => [g.id, g.name]));
	return { ...evidence, anomaly, gateNames, lot: { id: lot.id, name: lot.name, timeZone: lot.timeZone } };
};

const empty = z.literal('').transform(() => undefined);

export const actions: Actions = {
	review: ({ request, locals, params }) =>
		formAction(request, reviewSchema.extend({ note: reviewSchema.shape.note.or(empty) }), ['status', 'note'], async (input) => {
			const a = await reviewAnomaly(locals.db, params.id, input, locals.user!.id, Date.now());
			return { done: a.status === 'resolved' ? 'Resolved.' : 'Acknowledged.' };
		}),
	merge: ({ request, locals, params }) =>
		formAction(request, mergeSchema.extend({ sessionId: mergeSchema.shape.sessionId.or(empty) }), ['sessionId', 'note'], async (input) => {
			const { session } = await mergeMisreadExit(locals.db, locals.parking, params.id, input, locals.user!.id, Date.now());
			return { done: `Merged: session of ${session.plate} ended, fee ${session.feePaise ?? 0} paise.`, sessionId: session.id };
		})
};
