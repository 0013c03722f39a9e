/**
 * Lots and gates: what an operator sets up before the first car arrives. A new install gets one
 * lot ("Main lot", the configured zone and currency), which the original API's sessions use.
 */
import { z } from 'zod';
import { newId } from '../../id.ts';
import { PLATE_COUNTRIES, VEHICLE_CLASSES, currencySchema, timeZoneSchema } from '../../parking/index.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { findDeviceKey } from '../auth/device-keys.repo.ts';
import type { Config } from '../config.ts';
import type { Database, Executor } from '../db/database.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { findGate, findGateByDeviceKey, findLot, insertGate, insertLot, listGates, listLots, updateGate, updateLot, type GateRow, type LotRow } from './lots.repo.ts';

export const capacitySchema = z
	.partialRecord(z.enum(VEHICLE_CLASSES), z.int().min(0, 'capacity cannot be negative').max(100_000))
	.refine((c) => Object.keys(c).length > 0, 'give the capacity of at least one vehicle class');

export const lotInputSchema = z.strictObject({
	name: z.string().trim().min(1, 'Give the lot a name.').max(100),
	country: z.enum(PLATE_COUNTRIES).default('in'),
	timeZone: timeZoneSchema.default('Asia/Kolkata'),
	currency: currencySchema.default('INR'),
	capacity: capacitySchema,
	longStayMinutes: z.int().min(1).max(366 * 24 * 60).default(24 * 60),
	imageRetentionDays: z.int().min(1).max(3650).default(90)
});
export type LotInput = z.output<typeof lotInputSchema>;
// A PATCH changes only the fields it names: without the defaults, which `.partial()` would keep
// (so `{"name"}` would have reset the zone, currency and retention of a lot to their defaults).
export const lotPatchSchema = z
	.strictObject({
		...lotInputSchema.shape,
		country: lotInputSchema.shape.country.removeDefault(),
		timeZone: lotInputSchema.shape.timeZone.removeDefault(),
		currency: lotInputSchema.shape.currency.removeDefault(),
		longStayMinutes: lotInputSchema.shape.longStayMinutes.removeDefault(),
		imageRetentionDays: lotInputSchema.shape.imageRetentionDays.removeDefault()
	})
	.partial();

export const gateInputSchema = z.strictObject({
	name: z.string().trim().min(1, 'Give the gate a name.').max(100),
	direction: z.enum(['entry', 'exit', 'both']),
	cameraUrl: z.url({ protocol: /^https?$/, message: 'an http(s) URL of the camera stream' }).max(500).nullable().default(null),
	deviceKeyId: z.string().min(1).max(64).nullable().default(null)
});
export type GateInput = z.output<typeof gateInputSchema>;
/** As {@link lotPatchSchema}: `{}` must not unbind the gate's device key or forget its camera. */
export const gatePatchSchema = z
	.strictObject({
		...gateInputSchema.shape,
		cameraUrl: gateInputSchema.shape.cameraUrl.removeDefault(),
		deviceKeyId: gateInputSchema.shape.deviceKeyId.removeDefault()
	})
	.partial();

export type Lot = LotRow;
export type Gate = GateRow;

export async function createLot(db: Database, input: LotInput, actorUserId: string | null, now: number): Promise<Lot> {
	const lot: Lot = { id: newId(), ...input, createdAt: now };
	await db.transaction(async (x) => {
		await insertLot(x, lot);
		await recordAudit(x, { at: now, actorUserId, action: 'lot.create', entity: 'lot', entityId: lot.id, details: { name: lot.name } });
	});
	return lot;
}

/** @throws {AppError} 404 */
export async function getLot(db: Database, id: string): Promise<Lot> {
	const lot = await db.run((x) => findLot(x, id));
	if (!lot) throw notFound('The lot');
	return lot;
}

export async function lots(db: Database): Promise<Lot[]> {
	return db.run((x) => listLots(x));
}

/** Whether a parsed PATCH names any field (`{}` is a valid PATCH that changes nothing). */
const changesSomething = (patch: object): boolean => Object.values(patch).some((v) => v !== undefined);

export async function changeLot(db: Database, id: string, patch: Partial<LotInput>, actorUserId: string, now: number): Promise<Lot> {
	return db.transaction(async (x) => {
		const before = await findLot(x, id);
		if (!before) throw notFound('The lot');
		if (!changesSomething(patch)) return before;
		await updateLot(x, id, patch);
		await recordAudit(x, { at: now, actorUserId, action: 'lot.update', entity: 'lot', entityId: id, details: { patch } });
		return { ...before, ...patch };
	});
}

/** The lot the original API's sessions go to: the oldest lot, made on first use if there is none. */
export async function defaultLot(db: Database, config: Pick<Config, 'defaultTimeZone' | 'defaultCurrency'>, now: number): Promise<Lot> {
	const existing = (await lots(db))[0];
	if (existing) return existing;
	return db.transaction(async (x) => {
		// another request may have made it meanwhile: check again inside the write transaction
		const again = (await listLots(x))[0];
		if (again) return again;
		const lot: Lot = {
			id: newId(),
			name: 'Main lot',
			country: 'in',
			timeZone: config.defaultTimeZone,
			currency: config.defaultCurrency,
			capacity: { car: 200, 'two-wheeler': 300 },
			longStayMinutes: 24 * 60,
			imageRetentionDays: 90,
			createdAt: now
		};
		await insertLot(x, lot);
		return lot;
	});
}

export async function createGate(db: Database, lotId: string, input: GateInput, actorUserId: string, now: number): Promise<Gate> {
	const gate: Gate = { id: newId(), lotId, ...input, lastHeartbeatAt: null, createdAt: now };
	await db.transaction(async (x) => {
		if (!(await findLot(x, lotId))) throw notFound('The lot');
		await checkDeviceKey(x, gate.deviceKeyId, gate.id);
		await insertGate(x, gate);
		await recordAudit(x, { at: now, actorUserId, action: 'gate.create', entity: 'gate', entityId: gate.id, details: { lotId, name: gate.name } });
	});
	return gate;
}

/**
 * A gate's device key must be a key that exists and is no other gate's (the schema's foreign key
 * and unique index would refuse it too, but as a 500).
 * @throws {AppError} 422 `unknown_device_key`, 409 `device_key_in_use`
 */
async function checkDeviceKey(x: Executor, deviceKeyId: string | null | undefined, gateId: string): Promise<void> {
	if (deviceKeyId === null || deviceKeyId === undefined) return;
	if (!(await findDeviceKey(x, deviceKeyId))) {
		throw new AppError(422, 'unknown_device_key', 'There is no device key with that id.', { deviceKeyId: 'the id of an existing device key' });
	}
	const holder = await findGateByDeviceKey(x, deviceKeyId);
	if (holder && holder.id !== gateId) throw conflict('device_key_in_use', `That device key is the key of the gate "${holder.name}" already.`);
}

export async function getGate(db: Database, id: string): Promise<Gate> {
	const gate = await db.run((x) => findGate(x, id));
	if (!gate) throw notFound('The gate');
	return gate;
}

export async function gates(db: Database, lotId?: string): Promise<Gate[]> {
	return db.run((x) => listGates(x, lotId));
}

export async function changeGate(db: Database, id: string, patch: Partial<GateInput>, actorUserId: string, now: number): Promise<Gate> {
	return db.transaction(async (x) => {
		const before = await findGate(x, id);
		if (!before) throw notFound('The gate');
		if (!changesSomething(patch)) return before;
		await checkDeviceKey(x, patch.deviceKeyId, id);
		await updateGate(x, id, patch);
		await recordAudit(x, { at: now, actorUserId, action: 'gate.update', entity: 'gate', entityId: id, details: { patch } });
		return { ...before, ...patch };
	});
}
