import { z } from 'zod';
import { createDeviceKey, deviceKeys, revokeDeviceKey } from '$lib/server/auth/device-keys';
import { deviceKeyCreateSchema } from '$lib/server/auth/schemas';
import { formAction } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	keys: await deviceKeys(locals.db),
	timeZone: locals.config.defaultTimeZone
});

export const actions: Actions = {
	create: ({ request, locals }) =>
		formAction(request, deviceKeyCreateSchema, ['name'], async ({ name }) => {
			const created = await createDeviceKey(locals.db, name, locals.user!.id, Date.now());
			// shown once, in this response only
			return { created: { name, key: created.key } };
		}),
	revoke: ({ request, locals }) =>
		formAction(request, z.strictObject({ id: z.string().min(1).max(64) }), ['id'], async ({ id }) => {
			await revokeDeviceKey(locals.db, id, locals.user!.id, Date.now());
			return { revoked: id };
		})
};
