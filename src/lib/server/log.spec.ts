import { afterEach, expect, test } from 'vitest';
import { log, logs, maskDigits, redact, scrub, setLogSink, withLogContext } from './log.ts';

afterEach(() => setLogSink(null));

test.each([
	['debug', undefined, false],
	['info', undefined, true],
	['debug', 'debug', true],
	['info', 'warn', false],
	['warn', 'warn', true],
	['error', 'warn', true],
	['warn', 'error', false],
	['info', 'loud', true],
	['debug', 'toString', false]
] as const)('a %s line under LOG_LEVEL=%s is written: %s', (level, setting, written) => {
	expect(logs(level, setting)).toBe(written);
});

const TOKEN = 'abcdefghijklmnopqrstuvwxyz234567'; // 32 base32 characters, a session token's shape
const HASH = 'a'.repeat(40) + '0123456789abcdef01234567';

test.each([
	['Bearer header', `authorization: Bearer ${TOKEN}x`, 'authorization: Bearer [redacted]'],
	['device key', 'key spms_dk_abcdefghijklmnopqrstuvwxyz234567 was revoked', 'key spms_dk_[redacted] was revoked'],
	['bare session token', `cookie spms_session=${TOKEN};`, 'cookie spms_session=[redacted];'],
	['stored session id (SHA-256)', `DELETE FROM sessions WHERE id = ${HASH}`, 'DELETE FROM sessions WHERE id = [redacted]'],
	['password in a query string', 'email=a@b.co&password=hunter2&x=1', 'email=a@b.co&password=[redacted]&x=1'],
	['password in echoed JSON', '{"email":"a@b.co","password":"hunter 2"}', '{"email":"a@b.co","password":[redacted]}'],
	['E.164 phone number', 'params: +919876543210,lot1', 'params: +••••••••3210,lot1'],
	['Indian mobile without +91', 'call 9876543210 now', 'call ••••••3210 now'],
	['Indian mobile with 91, no +', 'to 919876543210', 'to ••••••••3210'],
	['E.164 with its + URL-encoded', '/api/v1/lots/%2B919876543210', '/api/v1/lots/%2B••••••••3210'],
	['short E.164', 'to +1234567', 'to +•••••67']
])('scrub: %s', (_name, input, expected) => {
	expect(scrub(input)).toBe(expected);
});

test.each([
	['an id (24 characters)', 'k3x9q2m7w4v8b1c6n5d0f2gh'],
	['an epoch in ms', 'at 1796153699519'],
	['an epoch in seconds', 'at 1796153699'],
	['an amount in paise', 'amount 12000'],
	['a plate', 'KA01AB1234'],
	['an image key', 'captures/gate1/2026-01-02/k3x9q2m7w4v8b1c6n5d0f2gh.jpg']
])('scrub keeps %s', (_name, input) => {
	expect(scrub(input)).toBe(input);
});

test('fields named like secrets are replaced at any depth; phone fields masked; others kept', () => {
	const out = redact({
		password: 'hunter2',
		newPassword: 'x',
		'set-cookie': 'spms_session=abc',
		authToken: 'abc',
		nested: { deviceKey: 'k', device_key_id: 'keyid1', headers: { authorization: 'Basic Zm9vOmJhcg==' } },
		toPhone: '09876543210',
		plate: 'KA01AB1234',
		status: 200,
		token: null
	});
	expect(out).toEqual({
		password: '[redacted]',
		newPassword: '[redacted]',
		'set-cookie': '[redacted]',
		authToken: '[redacted]',
		nested: { deviceKey: '[redacted]', device_key_id: 'keyid1', headers: { authorization: '[redacted]' } },
		toPhone: '•••••••3210',
		plate: 'KA01AB1234',
		status: 200,
		token: null
	});
});

test('errors keep their name and a scrubbed message', () => {
	expect(redact({ error: new Error('Failed query: insert ... params: +14155550100') })).toMatchObject({ error: { name: 'Error', message: 'Failed query: insert ... params: +•••••••0100' } });
});

test('maskDigits keeps the last four digits (two of a short number)', () => {
	expect(maskDigits('+919876543210')).toBe('+••••••••3210');
	expect(maskDigits('12345')).toBe('•••45');
});

test('log writes one redacted JSON line with the context of the request around it', async () => {
	const lines: string[] = [];
	setLogSink((line) => lines.push(line));
	await withLogContext({ req_id: 'req-12345678' }, async () => {
		await new Promise((r) => setTimeout(r, 1));
		log('info', 'signed in', { user_id: 'u1', password: 'hunter2', note: `Bearer ${TOKEN}` });
	});
	log('info', 'outside');
	expect(lines).toHaveLength(2);
	const inside = JSON.parse(lines[0]!);
	expect(inside).toMatchObject({ level: 'info', msg: 'signed in', req_id: 'req-12345678', user_id: 'u1', password: '[redacted]', note: 'Bearer [redacted]' });
	expect(lines[0]).not.toContain('hunter2');
	expect(lines[0]).not.toContain(TOKEN);
	expect(JSON.parse(lines[1]!).req_id).toBeUndefined();
});
