import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

/**
 * Passwords are capped so that hashing cannot be turned into a denial of service
 * (argon2 cost grows with input; 256 characters is far beyond any passphrase).
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const passwordSchema = z
	.string()
	.min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
	.max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane (~30 ms here).
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/** An argon2id PHC string for `password`. */
export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2);
}

/** Whether `password` matches the stored PHC string; false (never a throw) for a malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	try {
		return await verify(stored, password);
	} catch {
		return false;
	}
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so unknown accounts can't be told apart by timing. */
export async function verifyNothing(password: string): Promise<false> {
	dummyHash ??= hashPassword('not-a-real-password');
	await verifyPassword(await dummyHash, password);
	return false;
}
