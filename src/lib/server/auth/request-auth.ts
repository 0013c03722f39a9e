/**
 * Works out who is calling: a browser session cookie, a bearer token (API clients, the original
 * JSON API), or a device key (gates).
 */
import type { Cookies } from '@sveltejs/kit';
import type { Database } from '../db/database.ts';
import { authenticateDevice, looksLikeDeviceKey, type Device } from './device-keys.ts';
import { validateSessionToken, type ValidSession } from './sessions.ts';

export const SESSION_COOKIE = 'spms_session';

export interface Credentials {
	session: ValidSession | null;
	device: Device | null;
	/** a credential was sent but is unknown, expired or revoked */
	rejected: boolean;
}

export async function authenticateRequest(
	db: Database,
	request: Request,
	cookies: Cookies,
	now: number,
	sessionDays: number
): Promise<Credentials> {
	const header = request.headers.get('authorization');
	const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? request.headers.get('x-device-key') ?? undefined;
	if (bearer) {
		if (looksLikeDeviceKey(bearer)) {
			const device = await authenticateDevice(db, bearer, now);
			return { session: null, device, rejected: !device };
		}
		const session = await validateSessionToken(db, bearer, now, sessionDays);
		return { session, device: null, rejected: !session };
	}
	const token = cookies.get(SESSION_COOKIE);
	if (!token) return { session: null, device: null, rejected: false };
	const session = await validateSessionToken(db, token, now, sessionDays);
	return { session, device: null, rejected: !session };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure exactly when the request came over https. */
export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: number): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		expires: new Date(expiresAt)
	});
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
