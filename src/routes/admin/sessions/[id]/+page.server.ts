import { sessionDetail } from '$lib/server/review/session-detail';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => sessionDetail(locals.db, locals.images, params.id);
