/**
 * Who may use each route, declared here independently of `src/lib/server/http/access.ts` (the
 * code that enforces it) and of the services' own checks (a gate's key works only for its gate):
 * the route × caller matrix (tests/e2e/api/access-matrix.spec.ts) holds the running app to this
 * table, and fails for a route or method that isn't in it. Adding a route means adding its line
 * here, which is the moment to decide who may use it.
 */

/**
 * - `public`: anyone, signed in or not
 * - `signed_in`: any account (admin, operator, patrol, driver)
 * - `staff`: admin, operator, patrol · `managers`: admin, operator · `admin`
 * - `device`: any live device key
 * - `gate`: the key bound to the gate in the path (another gate's key: 403)
 * - `signature`: a signed URL or Twilio's signature is the authorisation: 403 for every caller
 *   without one, whoever they are
 */
export type Policy = 'public' | 'signed_in' | 'staff' | 'managers' | 'admin' | 'device' | 'gate' | 'signature';

export interface RoutePolicy {
	methods: Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Policy>>;
	/** a path to call instead of the route id with placeholders (a well-formed key, a query) */
	sample?: string;
	/** the body type the route reads, when not JSON (pages post forms; see the matrix) */
	body?: 'form';
	/** the route reads no JSON body (fuzzing sends it none of its kind) */
	fuzz?: false;
}

const only = <K extends 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>(methods: K[], p: Policy) => Object.fromEntries(methods.map((m) => [m, p])) as Record<K, Policy>;

export const POLICY: Record<string, RoutePolicy> = {
	// pages and the original API's account routes
	'/': { methods: { GET: 'public' } },
	'/login': { methods: { GET: 'public', POST: 'public' } },
	'/register': { methods: { GET: 'public', POST: 'public' } },
	'/logout': { methods: { POST: 'signed_in' }, fuzz: false },
	'/setup/[token]': { methods: { GET: 'public', POST: 'public' } },
	'/account': { methods: { GET: 'signed_in', POST: 'signed_in' } },
	'/offline': { methods: { GET: 'public' } },
	'/patrol': { methods: { GET: 'staff' } },
	'/gate': { methods: { GET: 'staff' } },
	'/admin': { methods: { GET: 'managers' } },
	'/admin/reports': { methods: { GET: 'managers' } },
	'/admin/reports/[kind]/csv': { methods: { GET: 'managers' } },
	'/admin/anomalies': { methods: { GET: 'managers' } },
	'/admin/anomalies/[id]': { methods: { GET: 'managers', POST: 'managers' } },
	'/admin/holds': { methods: { GET: 'managers', POST: 'managers' } },
	'/admin/sessions': { methods: { GET: 'managers' } },
	'/admin/sessions/[id]': { methods: { GET: 'managers' } },
	'/admin/hotlist': { methods: { GET: 'managers', POST: 'managers' } },
	'/admin/hotlist/csv': { methods: { GET: 'managers' } },
	'/admin/permits': { methods: { GET: 'managers', POST: 'managers' } },
	'/admin/permits/csv': { methods: { GET: 'managers' } },
	'/admin/lots': { methods: { GET: 'admin', POST: 'admin' } },
	'/admin/tariffs': { methods: { GET: 'admin', POST: 'admin' } },
	'/admin/audit': { methods: { GET: 'admin' } },
	'/admin/training-data': { methods: { GET: 'admin' } },
	'/admin/training-data/export': { methods: { GET: 'admin' } },
	'/admin/users': { methods: { GET: 'admin', POST: 'admin' } },
	'/admin/device-keys': { methods: { GET: 'admin', POST: 'admin' } },
	'/admin/sms': { methods: { GET: 'admin', POST: 'admin' } },
	// probes and metrics (metrics: loopback, where the tests run, or the token)
	'/healthz': { methods: { GET: 'public' } },
	'/readyz': { methods: { GET: 'public' } },
	'/metrics': { methods: { GET: 'public' } },
	'/lpr/[file]': { methods: { GET: 'public' } },
	// the PWA's API
	'/api/v1/sync': { methods: { POST: 'staff' } },
	'/api/v1/patrol/snapshot': { methods: { GET: 'staff' } },
	'/api/v1/patrol/lots': { methods: { GET: 'staff' } },
	'/api/v1/patrol/actions': { methods: { GET: 'staff' } },
	'/api/v1/cameras/[id]/stream': { methods: { GET: 'staff' } },
	// accounts and keys
	'/api/v1/me': { methods: { GET: 'signed_in' } },
	'/api/v1/me/password': { methods: { POST: 'signed_in' } },
	'/api/v1/users': { methods: { GET: 'admin' } },
	'/api/v1/users/[id]': { methods: { PATCH: 'admin' } },
	'/api/v1/users/[id]/lots': { methods: { PUT: 'admin' } },
	'/api/v1/device-keys': { methods: { GET: 'admin', POST: 'admin' } },
	'/api/v1/device-keys/[id]': { methods: { DELETE: 'admin' } },
	'/api/v1/device/me': { methods: { GET: 'device' } },
	'/api/v1/openapi.json': { methods: { GET: 'public' } },
	// lots and gates: staff read, admins set up
	'/api/v1/lots': { methods: { GET: 'staff', POST: 'admin' } },
	'/api/v1/lots/[id]': { methods: { GET: 'staff', PATCH: 'admin' } },
	'/api/v1/lots/[id]/occupancy': { methods: { GET: 'staff' } },
	'/api/v1/lots/[id]/gates': { methods: { GET: 'staff', POST: 'admin' } },
	'/api/v1/lots/[id]/tariffs': { methods: { GET: 'staff' } },
	'/api/v1/lots/[id]/tariffs/[vehicleClass]': { methods: { PUT: 'admin' } },
	'/api/v1/gates/[id]': { methods: { GET: 'staff', PATCH: 'admin' } },
	// a gate posts its captures and polls its commands with its own key; people read and resolve
	'/api/v1/gates/[id]/captures': { methods: { GET: 'staff', POST: 'gate' } },
	'/api/v1/gates/[id]/captures/[captureId]': { methods: { GET: 'staff' } },
	'/api/v1/gates/[id]/captures/[captureId]/resolve': { methods: { POST: 'managers' } },
	'/api/v1/gates/[id]/commands': { methods: { GET: 'gate', POST: 'managers' }, sample: '/api/v1/gates/[id]/commands?wait=0' },
	'/api/v1/gates/[id]/commands/[commandId]/ack': { methods: { POST: 'gate' } },
	'/api/v1/gates/[id]/heartbeat': { methods: { POST: 'gate' } },
	'/api/v1/gates/[id]/status': { methods: { GET: 'staff' } },
	// sessions, lists, anomalies, events
	'/api/v1/sessions': { methods: { GET: 'staff', POST: 'staff' } },
	'/api/v1/sessions/exit': { methods: { POST: 'staff' } },
	'/api/v1/sessions/[id]': { methods: { GET: 'staff' } },
	'/api/v1/sessions/[id]/end': { methods: { POST: 'staff' } },
	'/api/v1/sessions/[id]/payments': { methods: { POST: 'staff' } },
	'/api/v1/sessions/[id]/void': { methods: { POST: 'managers' } },
	'/api/v1/sessions/[id]/correct': { methods: { POST: 'managers' } },
	'/api/v1/permits': { methods: { GET: 'staff', POST: 'managers' } },
	'/api/v1/permits/[id]': { methods: { DELETE: 'managers' } },
	'/api/v1/hotlist': { methods: { GET: 'staff', POST: 'managers' } },
	'/api/v1/hotlist/[id]': { methods: { DELETE: 'managers' } },
	'/api/v1/anomalies': { methods: { GET: 'staff' } },
	'/api/v1/anomalies/[id]': { methods: { GET: 'staff', PATCH: 'managers' } },
	'/api/v1/events': { methods: { GET: 'staff' } },
	'/api/v1/evidence-uploads': { methods: { POST: 'staff' } },
	// SMS
	'/api/v1/sms/outbox': { methods: { GET: 'admin' } },
	'/api/v1/sms/templates': { methods: { GET: 'admin' } },
	'/api/v1/sms/templates/[kind]': { methods: { PUT: 'admin', DELETE: 'admin' } },
	'/api/v1/webhooks/twilio/status': { methods: { POST: 'signature' }, body: 'form', fuzz: false },
	'/api/v1/webhooks/twilio/inbound': { methods: { POST: 'signature' }, body: 'form', fuzz: false },
	// local-disk images through signed URLs (a well-formed key, so the signature is what's refused)
	'/api/v1/storage/[...key]': { methods: only(['GET', 'PUT'], 'signature'), sample: '/api/v1/storage/evidence/lot1/2026-01-01/abcdefghijklmnopqrstuvwx.jpg', fuzz: false },
	// the original system's JSON API
	'/start_session': { methods: { POST: 'signed_in' } },
	'/end_session': { methods: { POST: 'signed_in' } },
	'/sessions': { methods: { GET: 'signed_in' } },
	'/upload_plate': { methods: { POST: 'signed_in' }, fuzz: false },
	'/anomalies': { methods: { GET: 'staff' } }
};

export type Subject = 'anonymous' | 'admin' | 'operator' | 'patrol' | 'driver' | 'device' | 'other-lot-device' | 'revoked-device';
export const SUBJECTS: Subject[] = ['anonymous', 'admin', 'operator', 'patrol', 'driver', 'device', 'other-lot-device', 'revoked-device'];

/** What the app must answer: let through (whatever the handler then says), or refuse how. */
export type Expected = 'pass' | 'unauthenticated' | 'forbidden';

const ROLE_SETS: Record<'signed_in' | 'staff' | 'managers' | 'admin', Subject[]> = {
	signed_in: ['admin', 'operator', 'patrol', 'driver'],
	staff: ['admin', 'operator', 'patrol'],
	managers: ['admin', 'operator'],
	admin: ['admin']
};

/** The expected outcome of `subject` calling a route under `policy`. */
export function expectedOutcome(policy: Policy, subject: Subject): Expected {
	const isUser = ROLE_SETS.signed_in.includes(subject);
	switch (policy) {
		case 'public':
			return 'pass';
		case 'signature':
			return 'forbidden';
		case 'device':
			return subject === 'device' || subject === 'other-lot-device' ? 'pass' : 'unauthenticated';
		case 'gate':
			return subject === 'device' ? 'pass' : subject === 'other-lot-device' ? 'forbidden' : 'unauthenticated';
		default:
			if (!isUser) return 'unauthenticated';
			return ROLE_SETS[policy].includes(subject) ? 'pass' : 'forbidden';
	}
}
