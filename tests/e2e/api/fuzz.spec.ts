/**
 * Property-based fuzzing (fast-check) of every JSON endpoint, generated from the same route walk
 * and policy table as the access matrix: each route × method gets FUZZ_RUNS (default 40) requests
 * from a caller the policy lets through, with random path parameters and query strings and, for
 * methods with a body, random JSON, the routes' own field names holding values of the wrong type,
 * huge strings, deep nesting, invalid UTF-8, truncated JSON and wrong content types. The app must
 * never answer 5xx, and every 4xx must be `{"error":{"code","message"}}`. Bounded in runs, not
 * time; a failure prints fast-check's seed and the shrunk request, to replay it. 15 runs let a
 * 500 through that 300 found; FUZZ_RUNS=600 passes on both engines (2026-12-03).
 */
import fc from 'fast-check';
import { expect, test } from '@playwright/test';
import { POLICY } from '../../support/policy.ts';
import { appRoutes } from '../../support/routes.ts';
import { bearer, createUser, tokenFor } from '../support.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const PLACEHOLDER = 'zzzzzzzzzzzzzzzzzzzzzzzz';

/** Field names the API reads (not email/password: valid-looking sign-ins would count as failed ones). */
const FIELDS = [
	'name', 'lotId', 'lotIds', 'plate', 'capacity', 'amountPaise', 'method', 'phone', 'reason', 'direction', 'deviceKeyId',
	'contentType', 'bytes', 'at', 'actions', 'role', 'body', 'status', 'command', 'captureId', 'vehicleClass', 'currentPassword',
	'newPassword', 'validFrom', 'validTo', 'priority', 'cameraUrl', 'country', 'timeZone', 'currency', 'longStayMinutes',
	'imageRetentionDays', 'kind', 'note', 'id', 'limit', 'disabled', 'expiresAt', 'token', '__proto__', 'constructor'
];

const awkward = fc.oneof(
	fc.constant(null),
	fc.boolean(),
	fc.integer(),
	fc.double(),
	fc.string({ maxLength: 30 }),
	fc.string({ unit: 'binary', maxLength: 30 }),
	fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
	fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
	fc.constantFrom('', ' ', 'x'.repeat(5000), '\u0000', '\ud800', '9'.repeat(400), '-1', 'NaN', '1e309', '2026-13-45T25:61:00Z', 'KA01AB1234', 'in', 'entry'),
	fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -1, 1e308, 0.5, -0)
);

const almostRight = fc.dictionary(fc.constantFrom(...FIELDS), awkward, { maxKeys: 6 }).map((o) => JSON.stringify(o));
const anyJson = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const deep = fc.integer({ min: 1_000, max: 30_000 }).chain((n) => fc.constantFrom('['.repeat(n) + ']'.repeat(n), '{"a":'.repeat(n) + '1' + '}'.repeat(n), '['.repeat(n)));
const huge = fc.constantFrom(JSON.stringify({ name: 'x'.repeat(200_000) }), `"${'é'.repeat(30_000)}"`, JSON.stringify({ plate: '9'.repeat(60_000) }));
const badUtf8 = fc
	.uint8Array({ maxLength: 200 })
	.map((b) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90]), Buffer.from(b), Buffer.from('"}')]));
const truncated = fc
	.jsonValue({ maxDepth: 3 })
	.map((v) => JSON.stringify(v))
	.filter((s) => s.length > 1)
	.map((s) => s.slice(0, -1));
const body = fc.oneof(
	{ arbitrary: almostRight, weight: 5 },
	{ arbitrary: anyJson, weight: 2 },
	{ arbitrary: deep, weight: 1 },
	{ arbitrary: huge, weight: 1 },
	{ arbitrary: badUtf8, weight: 1 },
	{ arbitrary: truncated, weight: 1 },
	{ arbitrary: fc.constant(''), weight: 1 }
);
const headerText = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789/;=+-. *'), maxLength: 30 });
const contentType = fc.oneof(
	{ arbitrary: fc.constant('application/json'), weight: 6 },
	{
		arbitrary: fc.constantFrom(
			'application/json; charset=utf-8',
			'application/json; charset=iso-8859-1',
			'application/merge-patch+json',
			'text/plain',
			'text/html',
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=zz',
			'multipart/form-data',
			'image/jpeg',
			'*/*',
			''
		),
		weight: 3
	},
	{ arbitrary: headerText, weight: 1 }
);
const param = fc.oneof(
	{ arbitrary: fc.constant(PLACEHOLDER), weight: 3 },
	{ arbitrary: fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s) || 'x'), weight: 2 },
	{ arbitrary: fc.constantFrom('..', '%00', '%2e%2e%2f', 'a'.repeat(3000), encodeURIComponent("' OR 1=1 --"), '%F0%9F%92%A5', '%ZZ', '%C0%AF', 'null', '-1', '1e999', '%E2%80%AE'), weight: 2 }
);
const queryKey = fc.oneof(
	fc.constantFrom('limit', 'offset', 'lotId', 'from', 'to', 'status', 'decision', 'unresolved', 'plate', 'kind', 'q', 'since', 'day', 'date', 'vehicleClass', 'cursor'),
	fc.string({ maxLength: 8 })
);
const queryValue = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-1', '0', '1e9', 'NaN', 'true', 'x'.repeat(3000), '2026-13-45', '9007199254740993', '%ZZ'));
const query = fc.dictionary(queryKey, queryValue, { maxKeys: 4 });

interface Outcome {
	status: number;
	problem: string | null;
}

/** Sends one request and says what is wrong with the answer, if anything. */
async function probe(url: URL, method: string, headers: Record<string, string>, payload: string | Uint8Array<ArrayBuffer> | undefined): Promise<Outcome> {
	let res: Response;
	try {
		res = await fetch(url, { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
	} catch (error) {
		return { status: 0, problem: `no answer: ${String((error as Error)?.cause ?? error)}` };
	}
	const type = res.headers.get('content-type') ?? '';
	if (type.startsWith('text/event-stream')) {
		await res.body?.cancel();
		return { status: res.status, problem: null };
	}
	const text = await res.text();
	if (res.status >= 500) return { status: res.status, problem: `${res.status}: ${text.slice(0, 300)}` };
	if (res.status >= 400) {
		let shaped = false;
		try {
			const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
			shaped = typeof error?.code === 'string' && typeof error.message === 'string';
		} catch {
			// not JSON
		}
		if (!shaped) return { status: res.status, problem: `${res.status} not in the error shape (${type}): ${text.slice(0, 200)}` };
	}
	return { status: res.status, problem: null };
}

test('every JSON endpoint: random requests never get a 5xx, and every 4xx is in the error shape', async ({ request, baseURL }) => {
	test.setTimeout(900_000);
	const admin = bearer(await tokenFor(request, createUser(baseURL, 'admin')));
	const lot = await request.post('/api/v1/lots', { headers: admin, data: { name: `Fuzz ${Date.now()}`, capacity: { car: 10 } } });
	const lotId = (await lot.json()).id as string;
	const key = await (await request.post('/api/v1/device-keys', { headers: admin, data: { name: `fuzz gate ${Date.now()}` } })).json();
	const gate = await (await request.post(`/api/v1/lots/${lotId}/gates`, { headers: admin, data: { name: 'fuzz', direction: 'entry', deviceKeyId: key.id } })).json();
	const device = bearer(key.key);

	const targets = appRoutes().flatMap((r) =>
		r.endpoints.filter(() => POLICY[r.id]?.fuzz !== false).map((method) => ({ id: r.id, method, policy: POLICY[r.id]!.methods[method as 'GET']! }))
	);
	expect(targets.length).toBeGreaterThan(60);
	const failures: string[] = [];
	const statuses = new Map<number, number>();
	for (const t of targets) {
		const who = t.policy === 'gate' || t.policy === 'device' ? device : admin;
		const params = (t.id.match(/\[[^\]]+\]/g) ?? []).length;
		const gateRoute = t.id.startsWith('/api/v1/gates/[id]');
		const longPoll = t.id === '/api/v1/gates/[id]/commands' && t.method === 'GET';
		const arbitrary = fc.record({
			params: fc.array(param, { minLength: params, maxLength: params }),
			// a gate's own routes mostly get its real id, so the fuzz reaches past "no such gate"
			realGate: fc.boolean(),
			query,
			wait: fc.constantFrom('0', '-1', 'soon', '31', '1e9'),
			body,
			contentType
		});
		try {
			await fc.assert(
				fc.asyncProperty(arbitrary, async (r) => {
					let i = 0;
					let path = t.id.replace(/\[[^\]]+\]/g, () => r.params[i++]!);
					if (gateRoute && r.realGate) path = path.replace(/^\/api\/v1\/gates\/[^/]+/, `/api/v1/gates/${gate.id}`);
					const url = new URL(path, baseURL);
					for (const [k, v] of Object.entries(r.query)) url.searchParams.append(k, v);
					// a long poll waits for commands: never longer than no time at all here
					if (longPoll) url.searchParams.set('wait', r.wait);
					const hasBody = t.method !== 'GET';
					const headers: Record<string, string> = { ...who, accept: 'application/json', 'idempotency-key': `fuzz-${Math.random()}`, 'x-capture-time': new Date().toISOString() };
					if (hasBody && r.contentType) headers['content-type'] = r.contentType;
					const outcome = await probe(url, t.method, headers, hasBody ? r.body : undefined);
					statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
					if (outcome.problem) throw new Error(`${t.method} ${url.pathname}${url.search.slice(0, 200)}: ${outcome.problem}`);
				}),
				{ numRuns: RUNS, endOnFailure: true }
			);
		} catch (error) {
			// fast-check's message holds the counterexample; what the request itself got is its cause
			const { message, cause } = error as Error;
			failures.push(`${t.method} ${t.id}: ${String((cause as Error | undefined)?.message ?? '').slice(0, 400)} | ${message.split('\n').slice(0, 3).join(' | ').slice(0, 600)}`);
		}
	}
	expect(failures).toEqual([]);
	// the fuzz got past the front door: refusals of many kinds, and some requests accepted
	const seen = [...statuses.keys()];
	for (const s of [200, 404, 413, 415, 422]) expect(seen, `some request answered ${s}`).toContain(s);
	expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(targets.length * RUNS);
});
