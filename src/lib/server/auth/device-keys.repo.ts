import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type DeviceKeyRow = Executor['t']['deviceKeys']['$inferSelect'];

export async function insertDeviceKey(x: Executor, row: DeviceKeyRow): Promise<void> {
	await x.q.insert(x.t.deviceKeys).values(row);
}

export async function findDeviceKeyByHash(x: Executor, keyHash: string): Promise<DeviceKeyRow | undefined> {
	const rows = await x.q.select().from(x.t.deviceKeys).where(eq(x.t.deviceKeys.keyHash, keyHash)).limit(1);
	return rows[0];
}

export async function findDeviceKey(x: Executor, id: string): Promise<DeviceKeyRow | undefined> {
	const rows = await x.q.select().from(x.t.deviceKeys).where(eq(x.t.deviceKeys.id, id)).limit(1);
	return rows[0];
}

export async function listDeviceKeys(x: Executor): Promise<DeviceKeyRow[]> {
	return x.q.select().from(x.t.deviceKeys).orderBy(asc(x.t.deviceKeys.createdAt));
}

export async function setDeviceKeyRevoked(x: Executor, id: string, at: number): Promise<void> {
	await x.q.update(x.t.deviceKeys).set({ revokedAt: at }).where(eq(x.t.deviceKeys.id, id));
}

export async function touchDeviceKey(x: Executor, id: string, at: number): Promise<void> {
	await x.q.update(x.t.deviceKeys).set({ lastUsedAt: at }).where(eq(x.t.deviceKeys.id, id));
}
