/**
 * The JSON side of the HTTP layer: reading a validated body, and answering errors as
 * `{"error":{"code","message","fields"?}}` whatever went wrong.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
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
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > maxBytes) {
				await reader.cancel();
				throw tooLarge(maxBytes);
			}
			chunks.push(value);
		}
	} catch (error) {
		// adapter-node's own BODY_SIZE_LIMIT surfaces as an error with status 413
		if (error instanceof AppError) throw error;
		if ((error as { status?: number }).status === 413) throw tooLarge(maxBytes);
		throw new AppError(400, 'body_unreadable', 'The request body could not be read.');
	}
	return new TextDecoder('utf-8', { fatal: false }).decode(concat(chunks, size));
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
	const out = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return out;
}

const tooLarge = (max: number) => new AppError(413, 'payload_too_large', `The body is larger than ${Math.round(max / 1024)} KB.`);

/**
 * Wraps a JSON endpoint so every failure answers in the JSON error shape: an `AppError` with its
 * status, anything else as a 500 without internals (logged by `handleError`).
 */
export function endpoint<E extends RequestEvent>(fn: (event: E) => Promise<Response>): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await fn(event);
		} catch (error) {
			if (error instanceof AppError) return jsonError(error);
			console.error(JSON.stringify({ level: 'error', msg: 'unhandled endpoint error', route: event.route.id, error: String((error as Error)?.stack ?? error) }));
			return jsonError(new AppError(500, 'internal', 'Something went wrong on our side; it has been logged.'));
		}
	};
}
