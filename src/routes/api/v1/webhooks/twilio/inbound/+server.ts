import { endpoint } from '$lib/server/http/api';
import { applyInbound, emptyTwiml, readSignedForm } from '$lib/server/sms/webhooks';
import type { RequestHandler } from './$types';

/** Inbound SMS (the number's "A message comes in" webhook): STOP opts out, START back in. Signed like the status callback. */
export const POST: RequestHandler = endpoint(async ({ request, url, locals }) => {
	const params = await readSignedForm(request, url.href, locals.config.twilio?.authToken);
	await applyInbound(locals.db, params, Date.now());
	return emptyTwiml();
});
