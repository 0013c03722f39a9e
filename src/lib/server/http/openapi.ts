/**
 * The OpenAPI 3.1 description of `/api/v1`, generated from the same zod schemas the routes
 * validate with, so the document can't drift from what the server accepts.
 */
import { z } from 'zod';
import { changePasswordSchema, deviceKeyCreateSchema, roleChangeSchema } from '../auth/schemas.ts';
import { reviewSchema } from '../parking/anomalies.ts';
import { anomalyListQuery, eventsQuery, exitByPlateSchema, hotlistListQuery, permitListQuery, sessionListQuery } from '../parking/api-schemas.ts';
import { gateInputSchema, lotInputSchema, lotPatchSchema } from '../parking/lots.ts';
import { hotlistInputSchema, permitInputSchema } from '../parking/permits.ts';
import { correctSchema, endSessionSchema, paymentSchema, startSessionSchema, voidSchema } from '../parking/sessions.ts';
import { anomalyViewSchema, gateViewSchema, hotlistViewSchema, lotViewSchema, paymentViewSchema, permitViewSchema, sessionViewSchema } from '../parking/views.ts';
import { tariffPlanSchema } from '../../parking/index.ts';
import { commandInputSchema, pollQuerySchema } from '../gates/commands.ts';
import { captureListQuery, resolveSchema } from '../gates/holds.ts';
import { uploadRequestSchema } from '../storage/storage.ts';
import { userLotsSchema } from '../patrol/lots-access.ts';
import { snapshotQuery } from '../patrol/snapshot.ts';
import { templateInputSchema } from '../sms/templates.ts';
import { patrolActionSchema } from '../patrol/sync.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Operation {
	method: Method;
	path: string;
	summary: string;
	tag: string;
	/** who may call it, in words (the rule itself is in access.ts) */
	access: string;
	query?: z.ZodType;
	body?: z.ZodType;
	status?: number;
	response?: z.ZodType;
}

const list = (item: z.ZodType) => z.object({ items: z.array(item), total: z.int(), limit: z.int(), offset: z.int() });
const STAFF = 'admin, operator, patrol';
const MANAGERS = 'admin, operator';

const OPERATIONS: Operation[] = [
	{ method: 'get', path: '/api/v1/me', summary: 'Who the caller is', tag: 'accounts', access: 'signed in' },
	{ method: 'post', path: '/api/v1/me/password', summary: 'Change password (revokes other sessions)', tag: 'accounts', access: 'signed in', body: changePasswordSchema, status: 204 },
	{ method: 'get', path: '/api/v1/users', summary: 'List users', tag: 'accounts', access: 'admin' },
	{ method: 'patch', path: '/api/v1/users/{id}', summary: 'Change a role', tag: 'accounts', access: 'admin', body: roleChangeSchema, status: 204 },
	{ method: 'get', path: '/api/v1/device-keys', summary: 'List device keys', tag: 'devices', access: 'admin' },
	{ method: 'post', path: '/api/v1/device-keys', summary: 'Make a device key (shown once)', tag: 'devices', access: 'admin', body: deviceKeyCreateSchema, status: 201 },
	{ method: 'delete', path: '/api/v1/device-keys/{id}', summary: 'Revoke a device key', tag: 'devices', access: 'admin', status: 204 },
	{ method: 'get', path: '/api/v1/device/me', summary: 'The calling device', tag: 'devices', access: 'device key' },
	{ method: 'get', path: '/api/v1/lots', summary: 'List lots', tag: 'lots', access: STAFF, response: z.object({ items: z.array(lotViewSchema) }) },
	{ method: 'post', path: '/api/v1/lots', summary: 'Create a lot', tag: 'lots', access: 'admin', body: lotInputSchema, status: 201, response: lotViewSchema },
	{ method: 'get', path: '/api/v1/lots/{id}', summary: 'A lot', tag: 'lots', access: STAFF, response: lotViewSchema },
	{ method: 'patch', path: '/api/v1/lots/{id}', summary: 'Change a lot', tag: 'lots', access: 'admin', body: lotPatchSchema, response: lotViewSchema },
	{ method: 'get', path: '/api/v1/lots/{id}/occupancy', summary: 'Vehicles inside, per class, against capacity', tag: 'lots', access: STAFF },
	{ method: 'get', path: '/api/v1/lots/{id}/gates', summary: "A lot's gates", tag: 'gates', access: STAFF, response: z.object({ items: z.array(gateViewSchema) }) },
	{ method: 'post', path: '/api/v1/lots/{id}/gates', summary: 'Add a gate', tag: 'gates', access: 'admin', body: gateInputSchema, status: 201, response: gateViewSchema },
	{ method: 'get', path: '/api/v1/lots/{id}/tariffs', summary: 'The plan per vehicle class', tag: 'tariffs', access: STAFF },
	{ method: 'put', path: '/api/v1/lots/{id}/tariffs/{vehicleClass}', summary: 'Set the plan of a vehicle class', tag: 'tariffs', access: 'admin', body: tariffPlanSchema },
	{ method: 'get', path: '/api/v1/sessions', summary: 'Search sessions', tag: 'sessions', access: STAFF, query: sessionListQuery, response: list(sessionViewSchema) },
	{ method: 'post', path: '/api/v1/sessions', summary: 'Start a session (409 when the plate is parked already)', tag: 'sessions', access: STAFF, body: startSessionSchema, status: 201, response: sessionViewSchema },
	{ method: 'post', path: '/api/v1/sessions/exit', summary: 'An exit read: ends the matching session or raises an anomaly', tag: 'sessions', access: STAFF, body: exitByPlateSchema },
	{ method: 'get', path: '/api/v1/sessions/{id}', summary: 'A session with its payments', tag: 'sessions', access: STAFF },
	{ method: 'post', path: '/api/v1/sessions/{id}/end', summary: 'End a session: the fee is computed', tag: 'sessions', access: STAFF, body: endSessionSchema, response: sessionViewSchema },
	{ method: 'post', path: '/api/v1/sessions/{id}/payments', summary: 'Record a payment (idempotent with a client id)', tag: 'sessions', access: STAFF, body: paymentSchema, status: 201, response: paymentViewSchema },
	{ method: 'post', path: '/api/v1/sessions/{id}/void', summary: 'Void a session', tag: 'sessions', access: MANAGERS, body: voidSchema, response: sessionViewSchema },
	{ method: 'post', path: '/api/v1/sessions/{id}/correct', summary: 'Correct plate or class', tag: 'sessions', access: MANAGERS, body: correctSchema, response: sessionViewSchema },
	{ method: 'get', path: '/api/v1/permits', summary: 'List permits', tag: 'permits', access: STAFF, query: permitListQuery, response: list(permitViewSchema) },
	{ method: 'post', path: '/api/v1/permits', summary: 'Issue a permit', tag: 'permits', access: MANAGERS, body: permitInputSchema, status: 201, response: permitViewSchema },
	{ method: 'delete', path: '/api/v1/permits/{id}', summary: 'Revoke a permit', tag: 'permits', access: MANAGERS, status: 204 },
	{ method: 'get', path: '/api/v1/hotlist', summary: 'Live hotlist entries', tag: 'hotlist', access: STAFF, query: hotlistListQuery, response: list(hotlistViewSchema) },
	{ method: 'post', path: '/api/v1/hotlist', summary: 'Add a plate to the hotlist', tag: 'hotlist', access: MANAGERS, body: hotlistInputSchema, status: 201, response: hotlistViewSchema },
	{ method: 'delete', path: '/api/v1/hotlist/{id}', summary: 'Remove a hotlist entry', tag: 'hotlist', access: MANAGERS, status: 204 },
	{ method: 'get', path: '/api/v1/anomalies', summary: 'Search anomalies', tag: 'anomalies', access: STAFF, query: anomalyListQuery, response: list(anomalyViewSchema) },
	{ method: 'get', path: '/api/v1/anomalies/{id}', summary: 'An anomaly with its evidence', tag: 'anomalies', access: STAFF, response: anomalyViewSchema },
	{ method: 'patch', path: '/api/v1/anomalies/{id}', summary: 'Acknowledge or resolve', tag: 'anomalies', access: MANAGERS, body: reviewSchema, response: anomalyViewSchema },
	{ method: 'get', path: '/api/v1/events', summary: 'Live events (Server-Sent Events): sessions, payments, anomalies, occupancy', tag: 'live', access: STAFF, query: eventsQuery },
	{
		method: 'post',
		path: '/api/v1/gates/{id}/captures',
		summary:
			'A gate posts a photo (image/jpeg, or multipart "image") with Idempotency-Key and X-Capture-Time headers → {"capture_id","decision","plate","confidence","reason","session_id","amount_due","display"}; a retry with the same key gets the first answer',
		tag: 'gates',
		access: "the gate's device key"
	},
	{ method: 'get', path: '/api/v1/gates/{id}/captures', summary: "A gate's recent captures (decision=hold&unresolved=true: cars waiting for a person)", tag: 'gates', access: STAFF, query: captureListQuery },
	{ method: 'get', path: '/api/v1/gates/{id}/captures/{captureId}', summary: 'A capture, with a short-lived link to its photo', tag: 'gates', access: STAFF },
	{
		method: 'post',
		path: '/api/v1/gates/{id}/captures/{captureId}/resolve',
		summary: 'Let a held car through with the corrected plate: starts (entry) or ends (exit, must be paid) the session and opens the gate',
		tag: 'gates',
		access: MANAGERS,
		body: resolveSchema,
		status: 201
	},
	{ method: 'get', path: '/api/v1/gates/{id}/commands', summary: "The gate's long poll: pending commands as soon as there are any (delivered until acknowledged)", tag: 'gates', access: "the gate's device key", query: pollQuerySchema },
	{ method: 'post', path: '/api/v1/gates/{id}/commands', summary: 'Open or close a gate (audited; expires after 2 minutes)', tag: 'gates', access: MANAGERS, body: commandInputSchema, status: 201 },
	{ method: 'post', path: '/api/v1/gates/{id}/commands/{commandId}/ack', summary: 'The gate ran a command', tag: 'gates', access: "the gate's device key", status: 204 },
	{ method: 'post', path: '/api/v1/gates/{id}/heartbeat', summary: 'The gate is alive', tag: 'gates', access: "the gate's device key", status: 204 },
	{ method: 'get', path: '/api/v1/gates/{id}/status', summary: 'Online (heard from within a minute) and pending commands', tag: 'gates', access: STAFF },
	{ method: 'post', path: '/api/v1/evidence-uploads', summary: 'A presigned PUT for one evidence photo of this type and exact size', tag: 'images', access: STAFF, body: uploadRequestSchema, status: 201 },
	{ method: 'put', path: '/api/v1/users/{id}/lots', summary: 'Limit a staff account to lots ([] lifts the limit)', tag: 'accounts', access: 'admin', body: userLotsSchema },
	{ method: 'get', path: '/api/v1/patrol/lots', summary: 'The lots the caller works in', tag: 'patrol', access: STAFF },
	{ method: 'get', path: '/api/v1/patrol/snapshot', summary: "What a patrol phone keeps to answer offline: a lot's active sessions, permits, hotlist and plans", tag: 'patrol', access: `${STAFF} (in the lot)`, query: snapshotQuery },
	{
		method: 'post',
		path: '/api/v1/sync',
		summary: "The patrol app's outbox: each action applied once per client id → results applied / conflict (stored, shown) / rejected (not stored; kept by the app) / retry",
		tag: 'patrol',
		access: `${STAFF} (in the lot)`,
		body: z.object({ actions: z.array(patrolActionSchema).min(1).max(100) })
	},
	{ method: 'get', path: '/api/v1/patrol/actions', summary: "A lot's synced patrol actions, oldest first", tag: 'patrol', access: `${STAFF} (in the lot)` },
	{ method: 'get', path: '/api/v1/sms/outbox', summary: 'The SMS outbox, newest first, with counts by status and whether Twilio is configured', tag: 'sms', access: 'admin' },
	{ method: 'get', path: '/api/v1/sms/templates', summary: 'Each message kind with its template and placeholders', tag: 'sms', access: 'admin' },
	{ method: 'put', path: '/api/v1/sms/templates/{kind}', summary: 'Save a template (422 for an unknown placeholder or more than two SMS segments)', tag: 'sms', access: 'admin', body: templateInputSchema },
	{ method: 'delete', path: '/api/v1/sms/templates/{kind}', summary: 'Back to the built-in template', tag: 'sms', access: 'admin' },
	{ method: 'post', path: '/api/v1/webhooks/twilio/status', summary: "Twilio's delivery status callback (form-encoded; X-Twilio-Signature, else 403)", tag: 'sms', access: 'Twilio (signed)' },
	{ method: 'post', path: '/api/v1/webhooks/twilio/inbound', summary: 'Inbound SMS: STOP opts out, START back in (form-encoded; X-Twilio-Signature, else 403)', tag: 'sms', access: 'Twilio (signed)' },
	{ method: 'get', path: '/api/v1/cameras/{id}/stream', summary: "A gate's camera as MJPEG (ESP32 wire format), relayed; whole JPEG parts only", tag: 'gates', access: `${STAFF} (in the gate's lot)` }
];

const errorSchema = {
	type: 'object',
	required: ['error'],
	properties: {
		error: {
			type: 'object',
			required: ['code', 'message'],
			properties: { code: { type: 'string' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } }
		}
	}
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });

/** The whole document, built once. */
export const openApiDocument = (() => {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const op of OPERATIONS) {
		const parameters: unknown[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
		if (op.query) {
			const schema = jsonSchema(op.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
			for (const [name, s] of Object.entries(schema.properties ?? {})) parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s });
		}
		const status = String(op.status ?? 200);
		paths[op.path] ??= {};
		paths[op.path]![op.method] = {
			summary: op.summary,
			description: `Allowed: ${op.access}.`,
			tags: [op.tag],
			parameters,
			...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
			responses: {
				[status]: status === '204' ? { description: 'Done' } : { description: 'OK', content: { 'application/json': { schema: op.response ? jsonSchema(op.response, 'output') : {} } } },
				'4XX': { description: 'The caller’s mistake', content: { 'application/json': { schema: errorSchema } } }
			}
		};
	}
	return {
		openapi: '3.1.0',
		info: { title: 'SPMS API', version: '1', description: 'Smart Parking Management System. Instants are UTC epoch milliseconds; money is integer minor units (paise).' },
		components: {
			securitySchemes: {
				bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /login, or a device key (spms_dk_…)' },
				cookie: { type: 'apiKey', in: 'cookie', name: 'spms_session' }
			}
		},
		security: [{ bearer: [] }, { cookie: [] }],
		paths
	};
})();
