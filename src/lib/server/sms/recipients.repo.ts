/** Who an SMS goes to: the number on file for a plate, and the staff who take operator alerts. */
import { and, desc, eq, gt, inArray, isNotNull, isNull, lte } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { mysqlInsert } from '../parking/lots.repo.ts';

/**
 * The number a plate's driver gets messages on: the one given for the vehicle (at a payment, say),
 * else that of a live permit, else its owner account's.
 */
export async function driverPhone(x: Executor, plate: string, at: number): Promise<string | null> {
	const v = x.t.vehicles;
	const [vehicle] = await x.q.select({ phone: v.phone, owner: v.ownerUserId }).from(v).where(eq(v.plate, plate)).limit(1);
	if (vehicle?.phone) return vehicle.phone;
	const p = x.t.permits;
	const [permit] = await x.q
		.select({ phone: p.phone })
		.from(p)
		.where(and(eq(p.plate, plate), isNull(p.revokedAt), gt(p.validUntil, at), isNotNull(p.phone)))
		.orderBy(desc(p.validUntil))
		.limit(1);
	if (permit?.phone) return permit.phone;
	if (vehicle?.owner) {
		const [owner] = await x.q.select({ phone: x.t.users.phone }).from(x.t.users).where(eq(x.t.users.id, vehicle.owner)).limit(1);
		return owner?.phone ?? null;
	}
	return null;
}

/** Records the number to message a plate's driver on (E.164), creating the vehicle if new. */
export async function setVehiclePhone(x: Executor, plate: string, vehicleClass: string, phone: string, now: number): Promise<void> {
	const t = x.t.vehicles;
	const row = { plate, vehicleClass, ownerUserId: null, phone, createdAt: now, updatedAt: now };
	if (x.engine === 'sqlite') await x.q.insert(t).values(row).onConflictDoUpdate({ target: t.plate, set: { phone, updatedAt: now } });
	else await mysqlInsert(x, t, row).onDuplicateKeyUpdate({ set: { phone, updatedAt: now } });
}

/** Staff who receive operator alerts: admins and operators with a phone number. */
export async function operatorPhones(x: Executor): Promise<Array<{ userId: string; phone: string }>> {
	const u = x.t.users;
	const rows = await x.q.select({ userId: u.id, phone: u.phone }).from(u).where(and(inArray(u.role, ['admin', 'operator']), isNotNull(u.phone)));
	return rows.map((r) => ({ userId: r.userId, phone: r.phone! }));
}

/** Unrevoked permits with a number that end within (`now`, `until`]. */
export async function permitsEndingBy(x: Executor, now: number, until: number) {
	const p = x.t.permits;
	return x.q.select().from(p).where(and(isNull(p.revokedAt), isNotNull(p.phone), gt(p.validUntil, now), lte(p.validUntil, until)));
}

/** Active sessions of a lot (the stay-expiry scan). */
export async function activeSessionsOf(x: Executor, lotId: string) {
	const s = x.t.parkingSessions;
	return x.q.select().from(s).where(and(eq(s.lotId, lotId), eq(s.status, 'active')));
}
