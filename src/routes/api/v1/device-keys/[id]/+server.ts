import { revokeDeviceKey } from '$lib/server/auth/device-keys';
import { endpoint } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** Revokes a device key: 204; the gate using it is refused from now on. */
export const DELETE: RequestHandler = endpoint(async ({ params, locals }) => {
	await revokeDeviceKey(locals.db, params.id, locals.user!.id, Date.now());
	return new Response(null, { status: 204 });
});
