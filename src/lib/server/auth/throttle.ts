/**
 * Login throttling, per account and per client address, kept in the database so it holds across
 * app instances. Only failures count; a success clears the account's counter.
 */
import type { Database } from '../db/database.ts';
import { tooManyRequests } from '../http/errors.ts';
import { clearRateLimit, hitRateLimit, peekRateLimit } from './rate-limit.repo.ts';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

const accountKey = (email: string) => `login:acct:${email}`;
const addressKey = (ip: string) => `login:ip:${ip}`;

/** @throws {AppError} 429 with Retry-After when either counter is exhausted. */
export async function assertLoginAllowed(db: Database, email: string, ip: string, now: number): Promise<void> {
	const [acct, addr] = await db.run(async (x) => [
		await peekRateLimit(x, accountKey(email)),
		await peekRateLimit(x, addressKey(ip))
	]);
	for (const [row, max] of [
		[acct, MAX_FAILURES_PER_ACCOUNT],
		[addr, MAX_FAILURES_PER_ADDRESS]
	] as const) {
		if (row && row.hits >= max && now - row.windowStart < LOGIN_WINDOW_MS) {
			const retryAfter = Math.ceil((row.windowStart + LOGIN_WINDOW_MS - now) / 1000);
			throw tooManyRequests(retryAfter, `Too many failed sign-ins. Try again in ${Math.ceil(retryAfter / 60)} min.`);
		}
	}
}

export async function recordLoginFailure(db: Database, email: string, ip: string, now: number): Promise<void> {
	await db.transaction(async (x) => {
		await hitRateLimit(x, accountKey(email), LOGIN_WINDOW_MS, now);
		await hitRateLimit(x, addressKey(ip), LOGIN_WINDOW_MS, now);
	});
}

export async function recordLoginSuccess(db: Database, email: string): Promise<void> {
	await db.run((x) => clearRateLimit(x, accountKey(email)));
}
