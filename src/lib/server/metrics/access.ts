/**
 * Who may read `/metrics`: a scraper sending `Authorization: Bearer <METRICS_TOKEN>`, or one whose
 * address is in `METRICS_ALLOW` (default loopback only). The figures name routes and load, not
 * people, but they are no one else's business.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { addressMatcher, type Cidr } from './cidr.ts';

export interface MetricsAccess {
	token: string | undefined;
	allow: readonly Cidr[];
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const matchers = new WeakMap<readonly Cidr[], (address: string) => boolean>();

/**
 * @param address the client's address as `getClientAddress()` gives it (the proxy's forwarded
 *   one when TRUST_PROXY=true)
 */
export function mayScrape(access: MetricsAccess, address: string, authorization: string | null): boolean {
	const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
	if (access.token && bearer && timingSafeEqual(digest(bearer), digest(access.token))) return true;
	let inRange = matchers.get(access.allow);
	if (!inRange) {
		inRange = addressMatcher(access.allow);
		matchers.set(access.allow, inRange);
	}
	return inRange(address);
}
