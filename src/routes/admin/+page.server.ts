import { dashboard } from '$lib/server/reports/dashboard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({ now: await dashboard(locals.db, locals.images, Date.now()) });
