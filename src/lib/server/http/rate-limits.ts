/**
 * Request rate limits beyond sign-in (which `auth/throttle.ts` limits by failures): the
 * expensive or storage-filling routes, per device key or per account, in fixed one-minute
 * windows counted in the database (so they hold across app instances). A refused request gets
 * 429 with `Retry-After`. Keyed by SvelteKit route id, like the access rules.
 */
import { hitRateLimit } from '../auth/rate-limit.repo.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { tooManyRequests, type AppError } from './errors.ts';

export interface RateRule {
	/** whose budget a request spends: the device key's or the signed-in account's */
	per: 'device' | 'user';
	limit: (cfg: Pick<Config, 'rateLimits'>) => number;
	windowMs: number;
}

const MINUTE = 60_000;
const captures: RateRule = { per: 'device', limit: (c) => c.rateLimits.capturesPerMinute, windowMs: MINUTE };
const uploads: RateRule = { per: 'user', limit: (c) => c.rateLimits.uploadsPerMinute, windowMs: MINUTE };

export const RATE_RULES: Record<string, Partial<Record<string, RateRule>>> = {
	// each capture is a plate read (~100 ms of a core) and a stored photo
	'/api/v1/gates/[id]/captures': { POST: captures },
	// the original API's plate read, and evidence upload links (each lets one photo into storage)
	'/upload_plate': { POST: uploads },
	'/api/v1/evidence-uploads': { POST: uploads }
};

export interface Subject {
	user: { id: string } | null;
	device: { id: string } | null;
}

/**
 * Spends one request of the caller's budget for a route.
 * @returns null when the request may go on, else the 429 to answer
 */
export async function spendRate(db: Database, cfg: Pick<Config, 'rateLimits'>, routeId: string | null, method: string, who: Subject, now: number, rules = RATE_RULES): Promise<AppError | null> {
	const rule = routeId ? rules[routeId]?.[method] : undefined;
	if (!rule) return null;
	const subject = rule.per === 'device' ? who.device?.id : who.user?.id;
	// the access rules answer a caller without the right credentials; nothing to count here
	if (!subject) return null;
	const { hits, windowStart } = await db.run((x) => hitRateLimit(x, `rate:${routeId}:${method}:${subject}`, rule.windowMs, now));
	const limit = rule.limit(cfg);
	if (hits <= limit) return null;
	const retryAfter = Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000));
	return tooManyRequests(retryAfter, `Too many requests: at most ${limit} a minute here. Try again in ${retryAfter} s.`);
}
