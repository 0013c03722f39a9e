import { error } from '@sveltejs/kit';
import { AppError } from '$lib/server/http/errors';
import { sessionDetail } from '$lib/server/review/session-detail';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		return await sessionDetail(locals.db, locals.images, params.id);
	} catch (e) {
		// a wrong link is a 404 page with the service's message, not a 500
		if (e instanceof AppError) error(e.status, e.message);
		throw e;
	}
};
