/**
 * Who may use what, in one place. Every route of the app has a rule here, keyed by SvelteKit's
 * route id; `access.spec.ts` walks `src/routes` and fails for a route without one, so a new
 * route can never be open by accident. A route with no rule is refused at run time too.
 */
import type { Role } from '../auth/roles.ts';

export type Rule =
	| { kind: 'public' }
	/** any signed-in person (cookie or bearer token) */
	| { kind: 'signed_in' }
	| { kind: 'roles'; roles: readonly Role[] }
	/** a gate or other device with a live device key */
	| { kind: 'device' };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** A rule for the whole route, or one per method (methods left out are refused). */
export type RouteRule = Rule | { methods: Partial<Record<Method, Rule>> };

const PUBLIC: Rule = { kind: 'public' };
const SIGNED_IN: Rule = { kind: 'signed_in' };
const ADMIN: Rule = { kind: 'roles', roles: ['admin'] };
const DEVICE: Rule = { kind: 'device' };
const STAFF: Rule = { kind: 'roles', roles: ['admin', 'operator', 'patrol'] };
const MANAGERS: Rule = { kind: 'roles', roles: ['admin', 'operator'] };
const staffReadsAdminWrites: RouteRule = { methods: { GET: STAFF, POST: ADMIN, PATCH: ADMIN, PUT: ADMIN } };
const staffReadsManagersWrite: RouteRule = { methods: { GET: STAFF, POST: MANAGERS, PATCH: MANAGERS, DELETE: MANAGERS } };

export const ROUTE_RULES: Record<string, RouteRule> = {
	'/': PUBLIC,
	'/login': PUBLIC,
	'/register': PUBLIC,
	'/logout': SIGNED_IN,
	'/setup/[token]': PUBLIC,
	'/account': SIGNED_IN,
	// the dashboard, work queues, reports and day-to-day lists: the people who run the car park
	'/admin': MANAGERS,
	'/admin/reports': MANAGERS,
	'/admin/reports/[kind]/csv': MANAGERS,
	'/admin/anomalies': MANAGERS,
	'/admin/anomalies/[id]': MANAGERS,
	'/admin/holds': MANAGERS,
	'/admin/sessions': MANAGERS,
	'/admin/sessions/[id]': MANAGERS,
	// operators read the lists; the API lets them change permits and the hotlist, so the pages do too
	'/admin/hotlist': MANAGERS,
	'/admin/hotlist/csv': MANAGERS,
	'/admin/permits': MANAGERS,
	'/admin/permits/csv': MANAGERS,
	// set-up and oversight: admins only
	'/admin/lots': ADMIN,
	'/admin/tariffs': ADMIN,
	'/admin/audit': ADMIN,
	'/admin/training-data': ADMIN,
	'/admin/training-data/export': ADMIN,
	'/admin/users': ADMIN,
	'/admin/device-keys': ADMIN,
	'/admin/sms': ADMIN,
	// liveness and readiness probes; metrics check their own token or address range (the route)
	'/healthz': PUBLIC,
	'/readyz': PUBLIC,
	'/metrics': PUBLIC,
	// the PWA: pages are role-checked; the offline page and the plate worker's models and WASM
	// (the same files every installed phone holds) are public
	'/patrol': STAFF,
	'/gate': STAFF,
	'/offline': PUBLIC,
	'/lpr/[file]': PUBLIC,
	'/api/v1/sync': STAFF,
	'/api/v1/patrol/snapshot': STAFF,
	'/api/v1/patrol/lots': STAFF,
	'/api/v1/patrol/actions': STAFF,
	// the service also checks the caller works in the camera's lot
	'/api/v1/cameras/[id]/stream': STAFF,
	'/api/v1/users/[id]/lots': ADMIN,
	'/api/v1/me': SIGNED_IN,
	'/api/v1/me/password': SIGNED_IN,
	'/api/v1/device/me': DEVICE,
	'/api/v1/users': ADMIN,
	'/api/v1/users/[id]': ADMIN,
	'/api/v1/device-keys': ADMIN,
	'/api/v1/device-keys/[id]': ADMIN,
	'/api/v1/openapi.json': PUBLIC,
	'/api/v1/lots': staffReadsAdminWrites,
	'/api/v1/lots/[id]': staffReadsAdminWrites,
	'/api/v1/lots/[id]/occupancy': STAFF,
	'/api/v1/lots/[id]/gates': staffReadsAdminWrites,
	'/api/v1/lots/[id]/tariffs': STAFF,
	'/api/v1/lots/[id]/tariffs/[vehicleClass]': ADMIN,
	'/api/v1/gates/[id]': staffReadsAdminWrites,
	// a gate's own device key (the service checks it is this gate's key)
	'/api/v1/gates/[id]/captures': { methods: { GET: STAFF, POST: DEVICE } },
	'/api/v1/gates/[id]/captures/[captureId]': STAFF,
	'/api/v1/gates/[id]/captures/[captureId]/resolve': MANAGERS,
	'/api/v1/gates/[id]/commands': { methods: { GET: DEVICE, POST: MANAGERS } },
	'/api/v1/gates/[id]/commands/[commandId]/ack': DEVICE,
	'/api/v1/gates/[id]/heartbeat': DEVICE,
	'/api/v1/gates/[id]/status': STAFF,
	'/api/v1/sessions': STAFF,
	'/api/v1/sessions/exit': STAFF,
	'/api/v1/sessions/[id]': STAFF,
	'/api/v1/sessions/[id]/end': STAFF,
	'/api/v1/sessions/[id]/payments': STAFF,
	'/api/v1/sessions/[id]/void': MANAGERS,
	'/api/v1/sessions/[id]/correct': MANAGERS,
	'/api/v1/permits': staffReadsManagersWrite,
	'/api/v1/permits/[id]': MANAGERS,
	'/api/v1/hotlist': staffReadsManagersWrite,
	'/api/v1/hotlist/[id]': MANAGERS,
	'/api/v1/anomalies': STAFF,
	'/api/v1/anomalies/[id]': staffReadsManagersWrite,
	'/api/v1/events': STAFF,
	'/api/v1/evidence-uploads': STAFF,
	'/api/v1/sms/outbox': ADMIN,
	'/api/v1/sms/templates': ADMIN,
	'/api/v1/sms/templates/[kind]': ADMIN,
	// Twilio's webhooks: the X-Twilio-Signature is the authorisation (checked by the route)
	'/api/v1/webhooks/twilio/status': PUBLIC,
	'/api/v1/webhooks/twilio/inbound': PUBLIC,
	// local-disk images: the URL's signature is the authorisation (S3's presigned URLs, locally)
	'/api/v1/storage/[...key]': PUBLIC,
	// the original JSON API: any signed-in account, as before (drivers see their own sessions)
	'/start_session': SIGNED_IN,
	'/end_session': SIGNED_IN,
	'/sessions': SIGNED_IN,
	'/upload_plate': SIGNED_IN,
	'/anomalies': STAFF
};

export interface Caller {
	user: { role: Role } | null;
	device: { id: string } | null;
}

export type Decision = 'allow' | 'unauthenticated' | 'forbidden' | 'no_rule';

/**
 * Decides whether a caller may use a route.
 * @param routeId SvelteKit's `event.route.id`
 */
export function decide(routeId: string, method: string, caller: Caller, rules = ROUTE_RULES): Decision {
	const routeRule = rules[routeId];
	if (!routeRule) return 'no_rule';
	const rule = 'methods' in routeRule ? routeRule.methods[(method === 'HEAD' ? 'GET' : method) as Method] : routeRule;
	if (!rule) return 'forbidden';
	switch (rule.kind) {
		case 'public':
			return 'allow';
		case 'signed_in':
			return caller.user ? 'allow' : 'unauthenticated';
		case 'roles':
			if (!caller.user) return 'unauthenticated';
			return rule.roles.includes(caller.user.role) ? 'allow' : 'forbidden';
		case 'device':
			return caller.device ? 'allow' : 'unauthenticated';
	}
}
