import { z } from 'zod';
import { vehicleClassSchema } from '$lib/parking';
import { AppError } from '$lib/server/http/errors';
import { formAction } from '$lib/server/http/forms';
import { lots } from '$lib/server/parking/lots';
import { lotPlans, setPlan } from '$lib/server/parking/tariffs';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const allLots = await lots(locals.db);
	const lot = allLots.find((l) => l.id === url.searchParams.get('lotId')) ?? allLots[0] ?? null;
	return {
		lots: allLots.map(({ id, name }) => ({ id, name })),
		lot: lot && { id: lot.id, name: lot.name, timeZone: lot.timeZone, currency: lot.currency },
		plans: lot ? await lotPlans(locals.db, lot.id, locals.parking) : []
	};
};

export const actions: Actions = {
	save: ({ request, locals }) =>
		formAction(request, z.strictObject({ lotId: z.string().min(1).max(64), vehicleClass: vehicleClassSchema, plan: z.string().max(20_000) }), ['lotId', 'vehicleClass', 'plan'], async ({ lotId, vehicleClass, plan }) => {
			let json: unknown;
			try {
				json = JSON.parse(plan);
			} catch {
				throw new AppError(422, 'invalid_json', 'The plan is not valid JSON.', { plan: 'valid JSON' });
			}
			await setPlan(locals.db, lotId, vehicleClass, json, locals.user!.id, Date.now());
			return { saved: vehicleClass };
		})
};
