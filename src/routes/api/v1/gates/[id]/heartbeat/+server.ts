import { endpoint } from '$lib/server/http/api';
import { gateOfDevice } from '$lib/server/gates/captures';
import { touchGate } from '$lib/server/gates/commands';
import type { RequestHandler } from './$types';

/** A gate says it is alive (captures and polls count too). The body, if any, is ignored. */
export const POST: RequestHandler = endpoint(async ({ params, locals }) => {
	// the body is left unread, not cancelled: cancelling it makes adapter-node drop the connection
	await gateOfDevice(locals.db, params.id, locals.device!.id);
	await touchGate(locals.db, params.id, Date.now());
	return new Response(null, { status: 204 });
});
