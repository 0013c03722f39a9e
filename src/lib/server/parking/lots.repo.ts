import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export type LotRow = Executor['t']['lots']['$inferSelect'];
export type GateRow = Executor['t']['gates']['$inferSelect'];
export type TariffPlanRow = Executor['t']['tariffPlans']['$inferSelect'];

export async function insertLot(x: Executor, row: LotRow): Promise<void> {
	await x.q.insert(x.t.lots).values(row);
}

export async function findLot(x: Executor, id: string): Promise<LotRow | undefined> {
	return (await x.q.select().from(x.t.lots).where(eq(x.t.lots.id, id)).limit(1))[0];
}

export async function listLots(x: Executor): Promise<LotRow[]> {
	return x.q.select().from(x.t.lots).orderBy(asc(x.t.lots.createdAt), asc(x.t.lots.id));
}

export async function updateLot(x: Executor, id: string, patch: Partial<Omit<LotRow, 'id' | 'createdAt'>>): Promise<void> {
	await x.q.update(x.t.lots).set(patch).where(eq(x.t.lots.id, id));
}

export async function insertGate(x: Executor, row: GateRow): Promise<void> {
	await x.q.insert(x.t.gates).values(row);
}

export async function findGate(x: Executor, id: string): Promise<GateRow | undefined> {
	return (await x.q.select().from(x.t.gates).where(eq(x.t.gates.id, id)).limit(1))[0];
}

/** The gate a device key is bound to (at most one: `gates_device_key_uq`). */
export async function findGateByDeviceKey(x: Executor, deviceKeyId: string): Promise<GateRow | undefined> {
	return (await x.q.select().from(x.t.gates).where(eq(x.t.gates.deviceKeyId, deviceKeyId)).limit(1))[0];
}

export async function listGates(x: Executor, lotId?: string): Promise<GateRow[]> {
	const q = x.q.select().from(x.t.gates);
	return (lotId ? q.where(eq(x.t.gates.lotId, lotId)) : q).orderBy(asc(x.t.gates.name));
}

export async function updateGate(x: Executor, id: string, patch: Partial<Omit<GateRow, 'id' | 'createdAt'>>): Promise<void> {
	await x.q.update(x.t.gates).set(patch).where(eq(x.t.gates.id, id));
}

export async function listTariffPlans(x: Executor, lotId: string): Promise<TariffPlanRow[]> {
	return x.q.select().from(x.t.tariffPlans).where(eq(x.t.tariffPlans.lotId, lotId));
}

/** Replaces the plan of a lot and vehicle class (one row per pair). */
export async function putTariffPlan(x: Executor, row: TariffPlanRow): Promise<void> {
	const t = x.t.tariffPlans;
	const set = { plan: row.plan, createdAt: row.createdAt, createdBy: row.createdBy };
	if (x.engine === 'sqlite') {
		await x.q.insert(t).values(row).onConflictDoUpdate({ target: [t.lotId, t.vehicleClass], set });
	} else {
		await mysqlInsert(x, t, row).onDuplicateKeyUpdate({ set });
	}
}

/** MySQL's insert builder, for the upsert form SQLite's builder doesn't have. */
export function mysqlInsert<T>(x: Executor, table: T, row: unknown) {
	type MysqlInsert = { insert(t: T): { values(v: unknown): { onDuplicateKeyUpdate(c: { set: Record<string, unknown> }): Promise<unknown> } } };
	return (x.q as unknown as MysqlInsert).insert(table).values(row);
}
