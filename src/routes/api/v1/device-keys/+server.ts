import { createDeviceKey, deviceKeys } from '$lib/server/auth/device-keys';
import { deviceKeyCreateSchema } from '$lib/server/auth/schemas';
import { endpoint, readJson } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ locals }) => Response.json({ device_keys: await deviceKeys(locals.db) }));

/** `POST {"name"}` → 201 `{"id","key"}`: the key is shown this once. */
export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const { name } = await readJson(request, deviceKeyCreateSchema);
	const created = await createDeviceKey(locals.db, name, locals.user!.id, Date.now());
	return Response.json(created, { status: 201 });
});
