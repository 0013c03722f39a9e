import type { RequestEvent } from '@sveltejs/kit';
import { describe, expect, test, vi } from 'vitest';
import { asJsonError, endpoint, isUnavailable } from './api.ts';
import { AppError } from './errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
// drizzle wraps the driver's error: the code is on the cause
const wrapped = (cause: Error) => Object.assign(new Error('Failed query: select 1'), { cause });

describe('errors outside the caller’s control', () => {
	test.each([
		['a refused connection', withCode('ECONNREFUSED'), true],
		['a lost connection, wrapped by drizzle', wrapped(withCode('PROTOCOL_CONNECTION_LOST')), true],
		['too many connections', withCode('ER_CON_COUNT_ERROR'), true],
		['a lock wait timeout', wrapped(withCode('ER_LOCK_WAIT_TIMEOUT')), true],
		['SQLite busy', withCode('SQLITE_BUSY'), true],
		["mysql2's full pool queue", new Error('Queue limit reached.'), true],
		["mysql2's closed connection", wrapped(new Error("Can't add new command when connection is in closed state")), true],
		['a unique violation (a bug or a race the service should handle)', withCode('ER_DUP_ENTRY'), false],
		['a programming error', new TypeError('x is undefined'), false]
	])('%s → unavailable: %s', (_, error, expected) => {
		expect(isUnavailable(error)).toBe(expected);
	});

	test('endpoint(): the database away is a 503 in the JSON error shape, a bug a 500 in it, an AppError its own status', async () => {
		const event = { route: { id: '/upload_plate' } } as RequestEvent;
		const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			const down = await endpoint(async () => Promise.reject(wrapped(withCode('ECONNRESET'))))(event);
			expect(down.status).toBe(503);
			expect(down.headers.get('retry-after')).toBe('1');
			expect(await down.json()).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
			const bug = await endpoint(async () => Promise.reject(new TypeError('x is undefined')))(event);
			expect(bug.status).toBe(500);
			expect(await bug.json()).toEqual({ error: { code: 'internal', message: expect.any(String) } });
			const mine = await endpoint(async () => Promise.reject(new AppError(413, 'payload_too_large', 'too big')))(event);
			expect(mine.status).toBe(413);
		} finally {
			quiet.mockRestore();
		}
	});
});

describe('asJsonError', () => {
	test.each([
		[404, 'text/html', 'not_found'],
		[400, 'text/html', 'bad_request'],
		[405, 'text/plain', 'method_not_allowed'],
		[413, 'text/plain', 'payload_too_large'],
		[418, 'text/plain', 'bad_request'],
		[500, 'text/html', 'internal']
	])("kit's own %i (%s) becomes the JSON error shape", async (status, type, code) => {
		const kit = new Response('<!doctype html><h1>Not here</h1>', { status, headers: { 'content-type': type, allow: 'POST', 'x-other': '1' } });
		const out = asJsonError(kit);
		expect(out.status).toBe(status);
		expect(await out.json()).toEqual({ error: { code, message: expect.any(String) } });
		expect(out.headers.get('allow')).toBe('POST');
		expect(out.headers.get('x-other')).toBeNull();
	});

	test('JSON errors and successes pass untouched', () => {
		const json = Response.json({ error: { code: 'x', message: 'y' } }, { status: 422 });
		const ok = new Response('<p>fine</p>', { headers: { 'content-type': 'text/html' } });
		expect(asJsonError(json)).toBe(json);
		expect(asJsonError(ok)).toBe(ok);
	});
});
