/**
 * The first admin. An empty install has none: each start makes a one-time setup link (valid 24 h,
 * older unused links die) until an admin exists; the link creates the admin once.
 */
import type { Database } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { registerUser } from './accounts.ts';
import type { SessionUser } from './sessions.ts';
import { DAY_MS } from './sessions.ts';
import { consumeSetupToken, deleteUnusedSetupTokens, insertSetupToken, isSetupTokenLive } from './setup.repo.ts';
import { generateToken, hashToken } from './tokens.ts';
import { countAdmins } from './users.repo.ts';

/** A fresh setup token when the install has no admin yet, else null. */
export async function issueSetupToken(db: Database, now: number): Promise<string | null> {
	const token = generateToken();
	const issued = await db.transaction(async (x) => {
		if ((await countAdmins(x)) > 0) return false;
		await deleteUnusedSetupTokens(x);
		await insertSetupToken(x, hashToken(token), now, now + DAY_MS);
		return true;
	});
	return issued ? token : null;
}

export async function setupTokenIsLive(db: Database, token: string, now: number): Promise<boolean> {
	if (!/^[a-z2-7]{32}$/.test(token)) return false;
	return db.run(async (x) => (await countAdmins(x)) === 0 && (await isSetupTokenLive(x, hashToken(token), now)));
}

/**
 * Creates the first admin with a live setup token, once.
 * @throws {AppError} 410 `setup_link_invalid` when the link is unknown, used or expired, or an admin exists.
 */
export async function completeSetup(
	db: Database,
	token: string,
	input: { email: string; password: string },
	now: number
): Promise<SessionUser> {
	const gone = new AppError(410, 'setup_link_invalid', 'This setup link has been used or has expired. Restart the server for a new one.');
	if (!/^[a-z2-7]{32}$/.test(token)) throw gone;
	const claimed = await db.transaction(async (x) => (await countAdmins(x)) === 0 && (await consumeSetupToken(x, hashToken(token), now)));
	if (!claimed) throw gone;
	return registerUser(db, { email: input.email, password: input.password, role: 'admin' }, now);
}
