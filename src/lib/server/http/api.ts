/**
 * The JSON side of the HTTP layer: reading a validated body, and answering errors as
 * `{"error":{"code","message","fields"?}}` whatever went wrong.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { errorCode } from '../db/database.ts';
import { log } from '../log.ts';
import { readBounded } from './body.ts';
import { AppError } from './errors.ts';

/** Most JSON bodies are small; a few routes raise this. */
export const DEFAULT_JSON_LIMIT = 64 * 1024;

export function jsonError(error: AppError): Response {
	const body = { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } };
	return Response.json(body, { status: error.status, headers: error.headers });
}

/**
 * Reads and validates a JSON body.
 * @throws {AppError} 415 not JSON, 413 too large, 400 malformed, 422 invalid (with a field list)
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes = DEFAULT_JSON_LIMIT): Promise<z.output<S>> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(type)) {
		throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
	}
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > maxBytes) throw tooLarge(maxBytes);
	const text = await readText(request, maxBytes);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new AppError(400, 'invalid_json', 'The body is not valid JSON.');
	}
	return parseWith(schema, value);
}

/**
 * Validates a value already in hand (query parameters, form data) with the same error shape.
 * @throws {AppError} 422 `validation_failed`
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	throw validationError(result.error);
}

export function validationError(error: z.ZodError): AppError {
	const fields: Record<string, string> = {};
	for (const issue of error.issues) {
		const key = issue.path.length ? issue.path.join('.') : '_';
		if (issue.code === 'unrecognized_keys') {
			for (const k of issue.keys) fields[[...issue.path, k].join('.')] = 'This field is not allowed.';
		} else {
			fields[key] ??= issue.message;
		}
	}
	return new AppError(422, 'validation_failed', 'Some fields are missing or wrong.', fields);
}

async function readText(request: Request, maxBytes: number): Promise<string> {
	// past the limit the rest is read and dropped, not cancelled: see body.ts's DRAIN_MAX_BYTES
	return new TextDecoder('utf-8', { fatal: false }).decode(await readBounded(request, maxBytes, () => tooLarge(maxBytes)));
}

const tooLarge = (max: number) => new AppError(413, 'payload_too_large', `The body is larger than ${Math.round(max / 1024)} KB.`);

/**
 * The database (or a connection to it) failing rather than the request: a dropped or refused
 * connection, a full pool, a lock that could not be had. Worth a retry, so a 503, not a 500.
 */
export function isUnavailable(error: unknown): boolean {
	const code = errorCode(error);
	if (code && UNAVAILABLE_CODES.has(code)) return true;
	for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
		// mysql2's pool and closed connections say so only in words
		if (/Queue limit reached|connection is in closed state|Pool is closed|Connection lost/i.test(String((e as Error).message ?? ''))) return true;
	}
	return false;
}

const UNAVAILABLE_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'PROTOCOL_CONNECTION_LOST',
	'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
	'ER_CON_COUNT_ERROR',
	'ER_TOO_MANY_USER_CONNECTIONS',
	'ER_LOCK_WAIT_TIMEOUT',
	'ER_LOCK_DEADLOCK',
	'ER_CHECKREAD',
	'ER_SERVER_SHUTDOWN',
	'SQLITE_BUSY',
	'SQLITE_LOCKED'
]);

/**
 * The JSON answer to an error that is not an `AppError`, logged: a 503 when the database is
 * away ({@link isUnavailable}), else a 500 without internals.
 */
export function unexpectedError(error: unknown, where: string | null): Response {
	const unavailable = isUnavailable(error);
	// through log(): the request's id, and the redaction (a failed query's message quotes its parameters)
	log('error', unavailable ? 'database unavailable' : 'unhandled endpoint error', { route: where, error: String((error as Error)?.stack ?? error) });
	if (unavailable) return jsonError(new AppError(503, 'service_unavailable', 'The service is briefly unavailable; retry shortly.', undefined, { 'retry-after': '1' }));
	return jsonError(new AppError(500, 'internal', 'Something went wrong on our side; it has been logged.'));
}

const KIT_ERRORS: Record<number, [string, string]> = {
	400: ['bad_request', 'The request could not be understood (a malformed URL, say).'],
	404: ['not_found', 'There is nothing at this address.'],
	405: ['method_not_allowed', 'This address does not answer that method.'],
	413: ['payload_too_large', 'The body is too large.'],
	415: ['unsupported_media_type', 'The body is of a type this address does not read.']
};

/**
 * An error that SvelteKit answered itself, before or instead of any endpoint (an unmatched
 * route's 404 page, a malformed URI's 400, a method's 405 in plain text), as the JSON error shape
 * for API clients; every other response is returned as it is. The headers a client acts on
 * (Allow, Retry-After, WWW-Authenticate) are kept.
 */
export function asJsonError(response: Response): Response {
	if (response.status < 400 || /json/i.test(response.headers.get('content-type') ?? '')) return response;
	const [code, message] = KIT_ERRORS[response.status] ?? [response.status >= 500 ? 'internal' : 'bad_request', 'The request failed.'];
	void response.body?.cancel().catch(() => {});
	const out = jsonError(new AppError(response.status, code, message));
	for (const h of ['allow', 'retry-after', 'www-authenticate']) {
		const v = response.headers.get(h);
		if (v !== null) out.headers.set(h, v);
	}
	return out;
}

/**
 * Wraps a JSON endpoint so every failure answers in the JSON error shape: an `AppError` with its
 * status, the database away as a 503, anything else as a 500 without internals.
 */
export function endpoint<E extends RequestEvent>(fn: (event: E) => Promise<Response>): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await fn(event);
		} catch (error) {
			if (error instanceof AppError) return jsonError(error);
			return unexpectedError(error, event.route.id);
		}
	};
}
