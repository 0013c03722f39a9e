import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
});
