import { expect, test } from '@playwright/test';
import { bearer, uniqueEmail } from '../support.ts';

test('the original /register and /login answer as old clients expect, and the token works', async ({ request }) => {
	const email = uniqueEmail('legacy');
	const reg = await request.post('/register', { data: { email, password: 'password-123' } });
	expect(reg.status()).toBe(201);
	expect((await reg.json()).user).toMatchObject({ email, role: 'driver' });

	const login = await request.post('/login', { data: { email: email.toUpperCase(), password: 'password-123' } });
	expect(login.status()).toBe(200);
	const body = await login.json();
	expect(Object.keys(body)).toEqual(expect.arrayContaining(['token', 'user']));
	expect(body.user).toEqual({ id: expect.any(String), email, role: 'driver' });

	const me = await request.get('/api/v1/me', { headers: bearer(body.token) });
	expect(me.status()).toBe(200);
	expect((await me.json()).user.email).toBe(email);

	// signing out revokes the token: a stolen copy is useless afterwards
	expect((await request.post('/logout', { headers: bearer(body.token) })).status()).toBe(204);
	const after = await request.get('/api/v1/me', { headers: bearer(body.token) });
	expect(after.status()).toBe(401);
	expect((await after.json()).error.code).toBe('unauthorized');
});

test('a password change over the API revokes the other tokens of the account', async ({ request }) => {
	const email = uniqueEmail('pwchange');
	await request.post('/register', { data: { email, password: 'password-123' } });
	const a = (await (await request.post('/login', { data: { email, password: 'password-123' } })).json()).token;
	const b = (await (await request.post('/login', { data: { email, password: 'password-123' } })).json()).token;
	const change = await request.post('/api/v1/me/password', { headers: bearer(a), data: { currentPassword: 'password-123', newPassword: 'password-456' } });
	expect(change.status()).toBe(204);
	expect((await request.get('/api/v1/me', { headers: bearer(a) })).status()).toBe(200);
	expect((await request.get('/api/v1/me', { headers: bearer(b) })).status()).toBe(401);
	expect((await request.post('/login', { data: { email, password: 'password-123' } })).status()).toBe(401);
});
