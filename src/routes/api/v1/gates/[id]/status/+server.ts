import { endpoint } from '$lib/server/http/api';
import { gateStatus } from '$lib/server/gates/commands';
import type { RequestHandler } from './$types';

/** `{"gate_id","online","last_seen_at","pending_commands"}`: offline after a minute unheard. */
export const GET: RequestHandler = endpoint(async ({ params, locals }) => Response.json(await gateStatus(locals.db, params.id, Date.now())));
