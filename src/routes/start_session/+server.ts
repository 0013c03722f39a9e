/** The original API: `POST /start_session {"plate"}` → `{"session_id","plate","status":"active"}` in the default lot. */
import { endpoint, readJson } from '$lib/server/http/api';
import { legacyStartSchema } from '$lib/server/parking/legacy';
import { defaultLot } from '$lib/server/parking/lots';
import { startSession } from '$lib/server/parking/sessions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = endpoint(async ({ request, locals }) => {
	const { plate } = await readJson(request, legacyStartSchema);
	const now = Date.now();
	const lot = await defaultLot(locals.db, locals.config, now);
	const { session } = await startSession(locals.db, { lotId: lot.id, plate, at: now }, { userId: locals.user!.id }, locals.parking);
	return Response.json({ session_id: session.id, plate: session.plate, status: 'active' }, { status: 201 });
});
