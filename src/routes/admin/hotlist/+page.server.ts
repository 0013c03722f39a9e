import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { AppError } from '$lib/server/http/errors';
import { formAction } from '$lib/server/http/forms';
import { importHotlist, MAX_IMPORT_BYTES } from '$lib/server/lists/plate-lists';
import { addToHotlist, hotlistEntries, hotlistInputSchema, removeFromHotlist } from '$lib/server/parking/permits';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	entries: await hotlistEntries(locals.db, Date.now(), 200, 0),
	timeZone: locals.config.defaultTimeZone
});

/** Reads an uploaded CSV file from a form (field `file`). */
async function uploaded(request: Request): Promise<string> {
	const data = await request.formData().catch(() => null);
	const file = data?.get('file');
	if (!(file instanceof File) || file.size === 0) throw new AppError(422, 'no_file', 'Choose a CSV file to import.');
	if (file.size > MAX_IMPORT_BYTES) throw new AppError(413, 'too_large', `The file is over ${MAX_IMPORT_BYTES / 1024} KB.`);
	return file.text();
}

export const actions: Actions = {
	add: ({ request, locals }) =>
		formAction(request, hotlistInputSchema.omit({ expiresAt: true }), ['plate', 'reason', 'priority'], async (input) => {
			const e = await addToHotlist(locals.db, { ...input, expiresAt: null }, locals.user!.id, Date.now());
			return { added: e.plate };
		}),
	remove: ({ request, locals }) =>
		formAction(request, z.strictObject({ id: z.string().min(1).max(64) }), ['id'], async ({ id }) => {
			await removeFromHotlist(locals.db, id, locals.user!.id, Date.now());
			return { removed: id };
		}),
	import: async ({ request, locals }) => {
		try {
			const result = await importHotlist(locals.db, await uploaded(request), locals.config.defaultTimeZone, locals.user!.id, Date.now());
			if (result.problems.length) return fail(422, { message: `Nothing was imported: ${result.problems.length} row(s) need fixing.`, problems: result.problems });
			return { imported: result.imported };
		} catch (error) {
			if (error instanceof AppError) return fail(error.status, { message: error.message, problems: [] });
			throw error;
		}
	}
};
