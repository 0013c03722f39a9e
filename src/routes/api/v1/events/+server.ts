import { endpoint } from '$lib/server/http/api';
import { readQuery } from '$lib/server/http/query';
import { eventsQuery } from '$lib/server/parking/api-schemas';
import { eventStream, lastEventId } from '$lib/server/parking/event-stream';
import type { RequestHandler } from './$types';

/**
 * Server-Sent Events: `session.started`, `session.ended`, `payment`, `anomaly`… of one lot or all;
 * with `Last-Event-ID` (a browser reconnecting), the events missed since that one first.
 */
export const GET: RequestHandler = endpoint(async ({ url, locals, request }) => {
	const { lotId } = readQuery(url, eventsQuery);
	// a new stream starts at the newest event now, not at the hub's next poll: an outage in between loses nothing
	const after = lastEventId(request) ?? (await locals.events.cursor());
	return eventStream(locals.events, lotId ?? null, request.signal, after);
});
