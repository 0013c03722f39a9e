/**
 * Device keys: how a gate (an ESP32-CAM, a script) proves who it is. The key is shown once when
 * made; only its SHA-256 is stored, with a short prefix so people can tell keys apart.
 * Gates send it as `Authorization: Bearer spms_dk_…` (or `X-Device-Key`).
 */
import { newId } from '../../id.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import type { Database } from '../db/database.ts';
import { conflict, notFound } from '../http/errors.ts';
import {
	findDeviceKey,
	findDeviceKeyByHash,
	insertDeviceKey,
	listDeviceKeys,
	setDeviceKeyRevoked,
	touchDeviceKey,
	type DeviceKeyRow
} from './device-keys.repo.ts';
import { generateToken, hashToken } from './tokens.ts';

export const DEVICE_KEY_PREFIX = 'spms_dk_';
const LAST_USED_GRANULARITY_MS = 60_000;

export interface Device {
	id: string;
	name: string;
}

export type DeviceKeyInfo = Omit<DeviceKeyRow, 'keyHash'>;

export function looksLikeDeviceKey(value: string): boolean {
	return /^spms_dk_[a-z2-7]{32}$/.test(value);
}

/** Makes a key; the returned `key` is the only time the secret exists outside the device. */
export async function createDeviceKey(
	db: Database,
	name: string,
	actorUserId: string,
	now: number
): Promise<{ id: string; key: string }> {
	const secret = generateToken();
	const key = DEVICE_KEY_PREFIX + secret;
	const id = newId();
	await db.transaction(async (x) => {
		await insertDeviceKey(x, {
			id,
			name,
			keyHash: hashToken(key),
			keyPrefix: secret.slice(0, 6),
			createdBy: actorUserId,
			createdAt: now,
			lastUsedAt: null,
			revokedAt: null
		});
		await recordAudit(x, { at: now, actorUserId, action: 'device_key.create', entity: 'device_key', entityId: id, details: { name } });
	});
	return { id, key };
}

/** The device a key belongs to, or null for an unknown or revoked key. */
export async function authenticateDevice(db: Database, key: string, now: number): Promise<Device | null> {
	if (!looksLikeDeviceKey(key)) return null;
	return db.run(async (x) => {
		const row = await findDeviceKeyByHash(x, hashToken(key));
		if (!row || row.revokedAt !== null) return null;
		// Record use at minute granularity: a gate polling every second shouldn't write every second.
		if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_GRANULARITY_MS) await touchDeviceKey(x, row.id, now);
		return { id: row.id, name: row.name };
	});
}

/** @throws {AppError} 404, 409 `already_revoked` */
export async function revokeDeviceKey(db: Database, id: string, actorUserId: string, now: number): Promise<void> {
	await db.transaction(async (x) => {
		const row = await findDeviceKey(x, id);
		if (!row) throw notFound('The device key');
		if (row.revokedAt !== null) throw conflict('already_revoked', 'This device key is revoked already.');
		await setDeviceKeyRevoked(x, id, now);
		await recordAudit(x, { at: now, actorUserId, action: 'device_key.revoke', entity: 'device_key', entityId: id });
	});
}

export async function deviceKeys(db: Database): Promise<DeviceKeyInfo[]> {
	const rows = await db.run((x) => listDeviceKeys(x));
	return rows.map(({ keyHash: _hash, ...info }) => info);
}
