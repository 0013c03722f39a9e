import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerUser } from '../auth/accounts.ts';
import { createDeviceKey } from '../auth/device-keys.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { changeGate, changeLot, createGate, createLot, gatePatchSchema, getGate, getLot, lotPatchSchema } from './lots.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0);

describe.each(ENGINES)('changing lots and gates on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	beforeAll(async () => {
		if (!skip) tdb = await createTestDatabase(engine);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('an empty PATCH changes nothing and answers the row as it is; a named field changes only itself', async () => {
		const lot = await createLot(tdb.db, { name: 'Forum Mall', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 50 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, T0);
		expect(await changeLot(tdb.db, lot.id, lotPatchSchema.parse({}), 'admin', T0 + 1)).toEqual(lot);
		expect(await getLot(tdb.db, lot.id)).toEqual(lot);
		expect(await changeLot(tdb.db, lot.id, lotPatchSchema.parse({ name: 'Forum' }), 'admin', T0 + 2)).toEqual({ ...lot, name: 'Forum' });

		const gate = await createGate(tdb.db, lot.id, { name: 'Entry', direction: 'entry', cameraUrl: null, deviceKeyId: null }, 'admin', T0);
		expect(await changeGate(tdb.db, gate.id, gatePatchSchema.parse({}), 'admin', T0 + 3)).toEqual(gate);
		expect(await getGate(tdb.db, gate.id)).toEqual(gate);
	});
	test.skipIf(skip)("a gate's device key must exist and be no other gate's: refused with a clear error, nothing written", async () => {
		const admin = await registerUser(tdb.db, { email: `keys-${engine}@example.com`, password: 'correct horse' }, T0);
		const lot = await createLot(tdb.db, { name: 'Keys', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 5 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, T0);
		const input = { name: 'Entry', direction: 'entry', cameraUrl: null, deviceKeyId: null } as const;
		await expect(createGate(tdb.db, lot.id, { ...input, deviceKeyId: 'no-such-key' }, admin.id, T0)).rejects.toMatchObject({ status: 422, code: 'unknown_device_key' });
		const gate = await createGate(tdb.db, lot.id, input, admin.id, T0);
		await expect(changeGate(tdb.db, gate.id, { deviceKeyId: 'fWA-|' }, admin.id, T0 + 1)).rejects.toMatchObject({ status: 422, code: 'unknown_device_key' });
		expect(await getGate(tdb.db, gate.id)).toEqual(gate);

		const { id: keyId } = await createDeviceKey(tdb.db, 'Gate 1', admin.id, T0);
		const bound = await changeGate(tdb.db, gate.id, { deviceKeyId: keyId }, admin.id, T0 + 2);
		expect(bound.deviceKeyId).toBe(keyId);
		expect(await changeGate(tdb.db, gate.id, { deviceKeyId: keyId, name: 'Entry 1' }, admin.id, T0 + 3)).toMatchObject({ deviceKeyId: keyId, name: 'Entry 1' });
		await expect(createGate(tdb.db, lot.id, { ...input, name: 'Exit', deviceKeyId: keyId }, admin.id, T0 + 4)).rejects.toMatchObject({ status: 409, code: 'device_key_in_use' });
		const other = await createGate(tdb.db, lot.id, { ...input, name: 'Exit' }, admin.id, T0 + 4);
		await expect(changeGate(tdb.db, other.id, { deviceKeyId: keyId }, admin.id, T0 + 5)).rejects.toMatchObject({ status: 409, code: 'device_key_in_use' });
		expect((await getGate(tdb.db, other.id)).deviceKeyId).toBeNull();
	});
});
