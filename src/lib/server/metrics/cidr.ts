/**
 * Address ranges (CIDR), for who may scrape `/metrics` without a token (`METRICS_ALLOW`).
 */
import { BlockList, isIP } from 'node:net';

export interface Cidr {
	address: string;
	prefix: number;
	family: 'ipv4' | 'ipv6';
}

/**
 * Parses `10.0.0.0/8,::1/128,192.168.1.5` (a bare address is one host), or `none` for no range.
 * @returns the ranges, or undefined when one of them isn't a range
 */
export function parseCidrs(list: string): Cidr[] | undefined {
	if (list.trim() === 'none') return [];
	const out: Cidr[] = [];
	for (const part of list.split(',').map((p) => p.trim()).filter(Boolean)) {
		const [address = '', bits, extra] = part.split('/');
		const version = isIP(address);
		if (!version || extra !== undefined) return undefined;
		const max = version === 4 ? 32 : 128;
		if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
		const prefix = bits === undefined ? max : Number(bits);
		if (prefix > max) return undefined;
		out.push({ address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' });
	}
	return out.length ? out : undefined;
}

/** A matcher for addresses in any of `ranges` (an IPv4-mapped IPv6 address counts as its IPv4). */
export function addressMatcher(ranges: readonly Cidr[]): (address: string) => boolean {
	const list = new BlockList();
	for (const r of ranges) list.addSubnet(r.address, r.prefix, r.family);
	return (address) => {
		const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
		const version = isIP(plain);
		return version !== 0 && list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
	};
}
