import { endpoint } from '$lib/server/http/api';
import { gateOfDevice } from '$lib/server/gates/captures';
import { acknowledgeCommand } from '$lib/server/gates/commands';
import type { RequestHandler } from './$types';

/** The gate ran the command (or had run it already): it is not delivered again. */
export const POST: RequestHandler = endpoint(async ({ params, locals }) => {
	await gateOfDevice(locals.db, params.id, locals.device!.id);
	await acknowledgeCommand(locals.db, params.id, params.commandId, Date.now());
	return new Response(null, { status: 204 });
});
