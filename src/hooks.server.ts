import { isHttpError, isRedirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { newId } from '$lib/id';
import { startApp } from '$lib/server/app';
import { authenticateRequest, clearSessionCookie } from '$lib/server/auth/request-auth';
import { issueSetupToken } from '$lib/server/auth/setup';
import { decide } from '$lib/server/http/access';
import { asJsonError, jsonError, unexpectedError } from '$lib/server/http/api';
import { discardUnreadBody } from '$lib/server/http/body';
import { AppError } from '$lib/server/http/errors';
import { noteUnavailable, UNAVAILABLE_MESSAGE, unavailableHandle } from '$lib/server/http/unavailable';
import { forbiddenPage } from '$lib/server/http/pages';
import { spendRate } from '$lib/server/http/rate-limits';
import { retentionJobs, retentionPolicy } from '$lib/server/jobs/retention';
import { startScheduler } from '$lib/server/jobs/scheduler';
import { log, withLogContext } from '$lib/server/log';
import { countRateLimited, observeRequest } from '$lib/server/metrics';
import { PARKING_JOBS } from '$lib/server/parking/scans';
import { REPORT_JOBS } from '$lib/server/reports/rollups';
import { smsRuntime } from '$lib/server/sms';
import { smsJobs } from '$lib/server/sms/alerts';
import { startSmsSender } from '$lib/server/sms/sender';
import { startSpoolUploads } from '$lib/server/storage/spool';

export const init: ServerInit = async () => {
	const app = await startApp();
	const token = await issueSetupToken(app.db, Date.now());
	if (token) {
		const origin = app.config.origin ?? `http://localhost:${process.env.PORT ?? '3000'}`;
		// The one place a secret is printed: the operator needs it to claim the install.
		console.log(`\nNo admin yet. Create the first admin (link valid 24 h, once):\n  ${origin}/setup/${token}\n`);
	}
	startScheduler(app.db, [...PARKING_JOBS, ...retentionJobs(app.images, retentionPolicy(app.config)), ...smsJobs(app.parking), ...REPORT_JOBS]);
	// every instance uploads the images its own disk spooled while S3 was away
	startSpoolUploads(app.images);
	// every instance sends: row claims keep a message from going out twice
	const sms = smsRuntime(app.config);
	startSmsSender(app.db, sms.gateway, sms.sender);
	if (!sms.gateway) log('info', 'SMS not configured: messages wait in the outbox (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)');
	log('info', 'started', { engine: app.db.engine });
};

/**
 * Each request gets an id: the proxy's `X-Request-Id` when it is well-formed, else a new one. It
 * is echoed in the response, tags every log line written while the request is handled, and ends
 * in one `request` line; the latency goes into the per-route histogram (route id, not path).
 */
/** Whatever answered, a body left unread is discarded so the connection stays usable (`body.ts`). */
const unreadBodies: Handle = async ({ event, resolve }) => {
	try {
		return await resolve(event);
	} finally {
		discardUnreadBody(event.request);
	}
};

const requestId: Handle = async ({ event, resolve }) => {
	const incoming = event.request.headers.get('x-request-id');
	const id = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : newId();
	event.locals.requestId = id;
	const started = performance.now();
	const finish = (status: number) => {
		const seconds = (performance.now() - started) / 1000;
		observeRequest(event.route.id, event.request.method, status, seconds);
		log('info', 'request', {
			method: event.request.method,
			path: event.url.pathname,
			route: event.route.id,
			status,
			ms: Math.round(seconds * 1000),
			user_id: event.locals.user?.id,
			device_id: event.locals.device?.id
		});
	};
	return withLogContext({ req_id: id }, async () => {
		let response: Response;
		try {
			response = await resolve(event);
		} catch (error) {
			finish(500);
			throw error;
		}
		response.headers.set('x-request-id', id);
		finish(response.status);
		return response;
	});
};

/** The database away anywhere below: 503 with Retry-After, JSON or a page (`http/unavailable.ts`). */
const databaseAway = unavailableHandle(isApiRequest);

/**
 * An error escaping the handles below (the database away while `authenticate` reads the caller's
 * session, say) would otherwise get kit's own `{"message"}` 500: API clients get the JSON error
 * shape instead, and a 503 when the database is away. Endpoints catch their own (`endpoint()`).
 * Errors kit answers itself (an unknown API path's HTML 404, a malformed URI) get the shape too.
 */
const apiFailures: Handle = async ({ event, resolve }) => {
	try {
		const response = await resolve(event);
		return isApiRequest(event.request, event.url) ? asJsonError(response) : response;
	} catch (error) {
		if (!isApiRequest(event.request, event.url) || isHttpError(error) || isRedirect(error)) throw error;
		if (error instanceof AppError) return jsonError(error);
		return unexpectedError(error, event.route.id);
	}
};

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/**
 * Cross-site request forgery: a browser always sends Origin on a cross-site POST, so a form-typed
 * request whose Origin (or Sec-Fetch-Site) names another site is refused. Requests without an
 * Origin come from non-browser clients (gates, scripts, the original API's clients) and carry no
 * ambient browser credentials worth forging. JSON bodies can't be sent cross-site without CORS,
 * which SPMS never grants.
 */
const csrf: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return resolve(event);
	const origin = request.headers.get('origin');
	const crossSite = (origin !== null && origin !== url.origin) || request.headers.get('sec-fetch-site') === 'cross-site';
	if (crossSite && FORM_TYPES.test(request.headers.get('content-type') ?? '')) {
		const error = new AppError(403, 'cross_site_request', 'Cross-site form submissions are refused.');
		return isApiRequest(request, url) ? jsonError(error) : forbiddenPage(error.message);
	}
	return resolve(event);
};

const context: Handle = async ({ event, resolve }) => {
	const app = await startApp();
	event.locals.db = app.db;
	event.locals.config = app.config;
	event.locals.events = app.events;
	event.locals.parking = app.parking;
	event.locals.images = app.images;
	return resolve(event);
};

const authenticate: Handle = async ({ event, resolve }) => {
	const { db, config } = event.locals;
	const creds = await authenticateRequest(db, event.request, event.cookies, Date.now(), config.sessionDays);
	event.locals.session = creds.session;
	event.locals.user = creds.session?.user ?? null;
	event.locals.device = creds.device;
	if (creds.rejected && !event.request.headers.has('authorization') && !event.request.headers.has('x-device-key')) {
		// a stale cookie: forget it so the browser stops sending it
		clearSessionCookie(event.cookies, event.url);
	}
	return resolve(event);
};

const authorize: Handle = async ({ event, resolve }) => {
	const routeId = event.route.id;
	if (routeId === null) return resolve(event); // no such route: kit answers 404
	const decision = decide(routeId, event.request.method, event.locals);
	if (decision === 'allow') return resolve(event);
	const wantsJson = isApiRequest(event.request, event.url);
	if (decision === 'unauthenticated') {
		if (wantsJson) {
			const response = jsonError(new AppError(401, 'unauthorized', 'Sign in first, or send a valid bearer token or device key.'));
			response.headers.set('www-authenticate', 'Bearer');
			return response;
		}
		if (event.request.method === 'GET') {
			const next = encodeURIComponent(event.url.pathname + event.url.search);
			return new Response(null, { status: 303, headers: { location: `/login?next=${next}` } });
		}
		return new Response('Sign in first.', { status: 401 });
	}
	if (decision === 'no_rule') log('error', 'route without an access rule', { route: routeId });
	const message = 'Your account is not allowed to use this page.';
	return wantsJson ? jsonError(new AppError(403, 'forbidden', message)) : forbiddenPage(message);
};

/** The expensive routes' per-minute budgets (`http/rate-limits.ts`), after the caller is known. */
const rateLimit: Handle = async ({ event, resolve }) => {
	const { db, config, user, device } = event.locals;
	const refused = await spendRate(db, config, event.route.id, event.request.method, { user, device }, Date.now());
	if (!refused) return resolve(event);
	countRateLimited(event.route.id ?? 'unmatched');
	return jsonError(refused);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const h = response.headers;
	h.set('x-content-type-options', 'nosniff');
	h.set('referrer-policy', 'strict-origin-when-cross-origin');
	h.set('x-frame-options', 'DENY');
	h.set('cross-origin-opener-policy', 'same-origin');
	// with COOP: cross-origin isolated, so the plate reader's WASM runs threads (SharedArrayBuffer);
	// credentialless, not require-corp: S3's presigned photos load without a CORP header S3 can't send
	h.set('cross-origin-embedder-policy', 'credentialless');
	h.set('permissions-policy', 'camera=(self), geolocation=(self), microphone=(), payment=()');
	if (event.url.protocol === 'https:') h.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
	return response;
};

export const handle = sequence(unreadBodies, securityHeaders, requestId, databaseAway, apiFailures, csrf, context, authenticate, authorize, rateLimit);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const requestId = event.locals.requestId;
	if (noteUnavailable(event.locals, error)) {
		log('warn', 'database unavailable', { route: event.route.id, error: String(error) });
		return { message: UNAVAILABLE_MESSAGE, code: 'service_unavailable', requestId };
	}
	if (status >= 500) log('error', 'unhandled error', { req_id: requestId, route: event.route.id, error: String((error as Error)?.stack ?? error) });
	return { message: status >= 500 ? 'Something went wrong on our side; it has been logged.' : message, requestId };
};

/** API clients (and the original JSON API) get JSON errors; browsers navigating get pages. */
function isApiRequest(request: Request, url: URL): boolean {
	if (url.pathname.startsWith('/api/')) return true;
	const accept = request.headers.get('accept') ?? '*/*';
	return !accept.includes('text/html');
}
