import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { AppError } from '$lib/server/http/errors';
import { formAction } from '$lib/server/http/forms';
import { importPermits, MAX_IMPORT_BYTES } from '$lib/server/lists/plate-lists';
import { lots } from '$lib/server/parking/lots';
import { cancelPermit, permits } from '$lib/server/parking/permits';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const now = Date.now();
	return {
		permits: (await permits(locals.db, undefined, 200, 0)).filter((p) => p.revokedAt === null && p.validUntil > now),
		lots: (await lots(locals.db)).map(({ id, name }) => ({ id, name })),
		timeZone: locals.config.defaultTimeZone
	};
};

export const actions: Actions = {
	revoke: ({ request, locals }) =>
		formAction(request, z.strictObject({ id: z.string().min(1).max(64) }), ['id'], async ({ id }) => {
			await cancelPermit(locals.db, id, locals.user!.id, Date.now());
			return { revoked: id };
		}),
	import: async ({ request, locals }) => {
		try {
			const data = await request.formData().catch(() => null);
			const file = data?.get('file');
			if (!(file instanceof File) || file.size === 0) throw new AppError(422, 'no_file', 'Choose a CSV file to import.');
			if (file.size > MAX_IMPORT_BYTES) throw new AppError(413, 'too_large', `The file is over ${MAX_IMPORT_BYTES / 1024} KB.`);
			const result = await importPermits(locals.db, await file.text(), locals.config.defaultTimeZone, locals.user!.id, Date.now());
			if (result.problems.length) return fail(422, { message: `Nothing was imported: ${result.problems.length} row(s) need fixing.`, problems: result.problems });
			return { imported: result.imported };
		} catch (error) {
			if (error instanceof AppError) return fail(error.status, { message: error.message, problems: [] });
			throw error;
		}
	}
};
