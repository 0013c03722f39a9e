import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { changePassword, login, registerUser, setUserRole } from './accounts.ts';
import { authenticateDevice, createDeviceKey, revokeDeviceKey } from './device-keys.ts';
import { emailSchema } from './email.ts';
import { validateSessionToken, DAY_MS } from './sessions.ts';
import { completeSetup, issueSetupToken, setupTokenIsLive } from './setup.ts';
import { MAX_FAILURES_PER_ACCOUNT } from './throttle.ts';

const T0 = Date.UTC(2026, 10, 1, 6, 30);

describe.each(ENGINES)('accounts on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;

	beforeAll(async () => {
		if (!skip) tdb = await createTestDatabase(engine);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('register, then log in with the same address in another case and Unicode form', async () => {
		const email = emailSchema.parse('Asha@Example.com');
		const user = await registerUser(tdb.db, { email, password: 'correct horse' }, T0);
		expect(user.role).toBe('driver');
		const other = emailSchema.parse('ＡＳＨＡ@example.COM '); // full-width letters, trailing space
		const session = await login(tdb.db, { email: other, password: 'correct horse', ip: '10.0.0.1', kind: 'bearer' }, T0, 30);
		expect(session.user.id).toBe(user.id);
		const valid = await validateSessionToken(tdb.db, session.token, T0 + 1000, 30);
		expect(valid?.user).toEqual({ id: user.id, email: 'asha@example.com', role: 'driver' });
	});

	test.skipIf(skip)('a duplicate registration is refused and writes nothing', async () => {
		const email = emailSchema.parse('dup@example.com');
		await registerUser(tdb.db, { email, password: 'password-1' }, T0);
		await expect(registerUser(tdb.db, { email: emailSchema.parse('DUP@example.com'), password: 'password-2' }, T0)).rejects.toMatchObject({
			status: 409,
			code: 'email_taken'
		});
		// the first password still works: nothing was overwritten
		await expect(login(tdb.db, { email, password: 'password-1', ip: '10.0.0.2', kind: 'cookie' }, T0, 30)).resolves.toBeTruthy();
	});

	test.skipIf(skip)('sessions expire, slide forward when used late, and die with a password change', async () => {
		const email = emailSchema.parse('slide@example.com');
		await registerUser(tdb.db, { email, password: 'password-1' }, T0);
		const a = await login(tdb.db, { email, password: 'password-1', ip: '10.0.0.3', kind: 'cookie' }, T0, 30);
		const b = await login(tdb.db, { email, password: 'password-1', ip: '10.0.0.3', kind: 'cookie' }, T0, 30);
		// used in the second half of its life: extended to a full 30 days from then
		const late = T0 + 20 * DAY_MS;
		expect((await validateSessionToken(tdb.db, a.token, late, 30))?.expiresAt).toBe(late + 30 * DAY_MS);
		// b was not used and is past its 30 days
		expect(await validateSessionToken(tdb.db, b.token, T0 + 31 * DAY_MS, 30)).toBeNull();
		const c = await login(tdb.db, { email, password: 'password-1', ip: '10.0.0.3', kind: 'cookie' }, late, 30);
		const current = await validateSessionToken(tdb.db, a.token, late, 30);
		await changePassword(tdb.db, { userId: a.user.id, currentSessionId: current!.id, currentPassword: 'password-1', newPassword: 'password-2' }, late);
		expect(await validateSessionToken(tdb.db, c.token, late + 1, 30)).toBeNull();
		expect(await validateSessionToken(tdb.db, a.token, late + 1, 30)).not.toBeNull();
		await expect(login(tdb.db, { email, password: 'password-1', ip: '10.0.0.3', kind: 'cookie' }, late, 30)).rejects.toMatchObject({ status: 401 });
	});

	test.skipIf(skip)('a wrong current password changes nothing', async () => {
		const email = emailSchema.parse('keep@example.com');
		const u = await registerUser(tdb.db, { email, password: 'password-1' }, T0);
		await expect(
			changePassword(tdb.db, { userId: u.id, currentSessionId: 'x', currentPassword: 'nope-nope', newPassword: 'password-9' }, T0)
		).rejects.toMatchObject({ status: 400, code: 'wrong_password' });
		await expect(login(tdb.db, { email, password: 'password-1', ip: '10.0.0.4', kind: 'cookie' }, T0, 30)).resolves.toBeTruthy();
	});

	test.skipIf(skip)('login is throttled per account after repeated failures, even with the right password', async () => {
		const email = emailSchema.parse('throttle@example.com');
		await registerUser(tdb.db, { email, password: 'password-1' }, T0);
		for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
			await expect(login(tdb.db, { email, password: 'wrong-pass', ip: `10.1.0.${i}`, kind: 'cookie' }, T0 + i, 30)).rejects.toMatchObject({ status: 401 });
		}
		await expect(login(tdb.db, { email, password: 'password-1', ip: '10.1.1.1', kind: 'cookie' }, T0 + 10, 30)).rejects.toMatchObject({ status: 429 });
		// after the window, the right password works again
		await expect(login(tdb.db, { email, password: 'password-1', ip: '10.1.1.1', kind: 'cookie' }, T0 + 16 * 60_000, 30)).resolves.toBeTruthy();
	});

	test.skipIf(skip)('device keys: shown once, hashed, revocable', async () => {
		const admin = await registerUser(tdb.db, { email: 'dk-admin@example.com', password: 'password-1', role: 'admin' }, T0);
		const { id, key } = await createDeviceKey(tdb.db, 'Gate 1', admin.id, T0);
		expect(key).toMatch(/^spms_dk_[a-z2-7]{32}$/);
		expect(await authenticateDevice(tdb.db, key, T0)).toEqual({ id, name: 'Gate 1' });
		expect(await authenticateDevice(tdb.db, key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a'), T0)).toBeNull();
		await revokeDeviceKey(tdb.db, id, admin.id, T0 + 1);
		expect(await authenticateDevice(tdb.db, key, T0 + 2)).toBeNull();
		await expect(revokeDeviceKey(tdb.db, id, admin.id, T0 + 3)).rejects.toMatchObject({ status: 409 });
	});

	test.skipIf(skip)('the last admin keeps the admin role', async () => {
		const fresh = await createTestDatabase(engine);
		try {
			const a = await registerUser(fresh.db, { email: 'only@example.com', password: 'password-1', role: 'admin' }, T0);
			await expect(setUserRole(fresh.db, a.id, 'operator', a.id, T0)).rejects.toMatchObject({ code: 'last_admin' });
		} finally {
			await fresh.drop();
		}
	});

	test.skipIf(skip)('the first-admin setup link works once and only while there is no admin', async () => {
		const fresh = await createTestDatabase(engine);
		try {
			const stale = await issueSetupToken(fresh.db, T0);
			const token = await issueSetupToken(fresh.db, T0 + 1);
			expect(token).toBeTruthy();
			// a newer link replaces the older one
			expect(await setupTokenIsLive(fresh.db, stale!, T0 + 2)).toBe(false);
			expect(await setupTokenIsLive(fresh.db, token!, T0 + 2)).toBe(true);
			// two people racing with the same link: exactly one admin
			const results = await Promise.allSettled([
				completeSetup(fresh.db, token!, { email: 'first@example.com', password: 'password-1' }, T0 + 3),
				completeSetup(fresh.db, token!, { email: 'second@example.com', password: 'password-1' }, T0 + 3)
			]);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			expect(await issueSetupToken(fresh.db, T0 + 4)).toBeNull();
		} finally {
			await fresh.drop();
		}
	});
});
