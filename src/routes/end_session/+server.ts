/** The original API: `POST /end_session {"session_id"}` → `{"session_id","plate","status":"completed","amount"}` (rupees). */
import { endpoint, readJson } from '$lib/server/http/api';
import { forbidden } from '$lib/server/http/errors';
import { legacyEndSchema, rupees } from '$lib/server/parking/legacy';
import { endSession, sessionWithPayments } from '$lib/server/parking/sessions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const { session_id } = await readJson(request, legacyEndSchema);
	const user = locals.user!;
	// a driver ends only the sessions they started; staff end any
	if (user.role === 'driver') {
		const { session } = await sessionWithPayments(locals.db, session_id);
		if (session.startedBy !== user.id) throw forbidden('This is not your session.');
	}
	const ended = await endSession(locals.db, session_id, { at: Date.now() }, { userId: user.id }, locals.parking);
	return Response.json({ session_id: ended.id, plate: ended.plate, status: 'completed', amount: rupees(ended.feePaise) });
});
