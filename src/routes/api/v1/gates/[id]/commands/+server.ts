import { endpoint, parseWith, readJson } from '$lib/server/http/api';
import { gateOfDevice } from '$lib/server/gates/captures';
import { commandInputSchema, issueCommand, pollCommands, pollQuerySchema } from '$lib/server/gates/commands';
import type { RequestHandler } from './$types';

/** The gate's long poll: `{"commands":[…]}` as soon as there are any, or empty after `wait` seconds. */
export const GET: RequestHandler = endpoint(async ({ params, url, request, locals }) => {
	const { wait } = parseWith(pollQuerySchema, { wait: url.searchParams.get('wait') ?? undefined });
	await gateOfDevice(locals.db, params.id, locals.device!.id);
	const commands = await pollCommands(locals.db, params.id, wait, request.signal);
	return Response.json({ commands }, { headers: { 'cache-control': 'no-store' } });
});

/** An operator opens or closes the gate (audited): `{"command":"open","reason":"…","captureId"?}`. */
export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const input = await readJson(request, commandInputSchema);
	return Response.json(await issueCommand(locals.db, params.id, input, locals.user!.id, Date.now()), { status: 201 });
});
