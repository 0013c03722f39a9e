import { endpoint } from '$lib/server/http/api';
import { applyStatus, readSignedForm, statusFromForm } from '$lib/server/sms/webhooks';
import type { RequestHandler } from './$types';

/**
 * Twilio's delivery status callback (`StatusCallback`, with `?m=<outbox id>` as sent). Signed with
 * `X-Twilio-Signature` over this URL: unsigned or forged → 403; a SID never sent → 404.
 */
export const POST: RequestHandler = endpoint(async ({ request, url, locals }) => {
	const params = await readSignedForm(request, url.href, locals.config.twilio?.authToken);
	const result = await applyStatus(locals.db, statusFromForm(params, url.searchParams.get('m')), Date.now());
	return Response.json({ id: result.id, status: result.twilioStatus });
});
