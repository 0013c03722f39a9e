import { endpoint } from '$lib/server/http/api';
import { sessionWithPayments } from '$lib/server/parking/sessions';
import { paymentView, sessionView } from '$lib/server/parking/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async ({ params, locals }) => {
	const { session, payments } = await sessionWithPayments(locals.db, params.id);
	return Response.json({ ...sessionView(session), payments: payments.map(paymentView) });
});
