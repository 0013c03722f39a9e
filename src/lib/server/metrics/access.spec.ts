import { expect, test } from 'vitest';
import { mayScrape } from './access.ts';
import { parseCidrs } from './cidr.ts';

const loopback = parseCidrs('127.0.0.0/8,::1/128')!;

test.each([
	['127.0.0.1', null, true],
	['127.3.4.5', null, true],
	['::1', null, true],
	['::ffff:127.0.0.1', null, true],
	['10.0.0.5', null, false],
	['::ffff:10.0.0.5', null, false],
	['2001:db8::1', null, false],
	['10.0.0.5', 'Bearer the-scrape-token-123', true],
	['10.0.0.5', 'bearer   the-scrape-token-123', true],
	['10.0.0.5', 'Bearer the-scrape-token-12', false],
	['10.0.0.5', 'Basic the-scrape-token-123', false],
	['not an address', null, false]
])('from %s with %s → %s', (address, authorization, allowed) => {
	expect(mayScrape({ token: 'the-scrape-token-123', allow: loopback }, address, authorization)).toBe(allowed);
});

test('without a token, only the ranges; with none, nobody', () => {
	expect(mayScrape({ token: undefined, allow: loopback }, '10.0.0.5', 'Bearer ')).toBe(false);
	expect(mayScrape({ token: undefined, allow: parseCidrs('10.0.0.0/8')! }, '10.200.1.1', null)).toBe(true);
	expect(mayScrape({ token: undefined, allow: parseCidrs('none')! }, '127.0.0.1', null)).toBe(false);
});

test.each([['10.0.0.0/33'], ['localhost'], ['10.0.0.0/8/1'], ['::1/129'], [''], ['10.0.0.0/x']])('parseCidrs refuses %j', (list) => {
	expect(parseCidrs(list)).toBeUndefined();
});

test('parseCidrs: a bare address is one host', () => {
	expect(parseCidrs('192.168.1.5, fd00::/8')).toEqual([
		{ address: '192.168.1.5', prefix: 32, family: 'ipv4' },
		{ address: 'fd00::', prefix: 8, family: 'ipv6' }
	]);
});
