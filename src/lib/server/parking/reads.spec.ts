import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { anomalies } from './anomalies.ts';
import { createLot, type Lot } from './lots.ts';
import { recordUnreadableRead, unreadableReadSchema } from './reads.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0);

describe.each(ENGINES)('unreadable reads on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let lot: Lot;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		lot = await createLot(tdb.db, { name: 'Gate lot', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 600, imageRetentionDays: 30 }, null, T0);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('each unreadable read is its own anomaly, with the read as evidence; a retried read id counts once', async () => {
		await recordUnreadableRead(tdb.db, { lotId: lot.id, read: 'KA?1AB#234', direction: 'entry', at: T0, confidence: 0.3 });
		await recordUnreadableRead(tdb.db, { lotId: lot.id, read: 'KA?1AB#234', direction: 'entry', at: T0 + 1000 });
		await recordUnreadableRead(tdb.db, { lotId: lot.id, read: '****', direction: 'exit', at: T0 + 2000, readId: 'frame-77' });
		await recordUnreadableRead(tdb.db, { lotId: lot.id, read: '****', direction: 'exit', at: T0 + 3000, readId: 'frame-77' });
		const rows = (await anomalies(tdb.db, { lotId: lot.id, kind: 'unreadable-plate' })).rows;
		expect(rows).toHaveLength(3);
		expect(rows.every((row) => row.plate === null)).toBe(true);
		expect(rows.find((row) => row.detectedAt === T0)?.evidence).toEqual({ read: 'KA?1AB#234', direction: 'entry', confidence: 0.3, gateId: null });
		expect(rows.find((row) => row.detectedAt === T0 + 2000)?.occurrences).toBe(2);
	});

	test.skipIf(skip)('a read that is a plate, or a lot that does not exist, is refused', async () => {
		await expect(recordUnreadableRead(tdb.db, { lotId: lot.id, read: 'ka-01 ab 1234', direction: 'entry', at: T0 })).rejects.toMatchObject({ status: 422, code: 'plate_readable' });
		await expect(recordUnreadableRead(tdb.db, { lotId: 'no-such-lot', read: '???', direction: 'entry', at: T0 })).rejects.toMatchObject({ status: 404 });
	});

	test('the input schema bounds the read and the direction', () => {
		expect(unreadableReadSchema.safeParse({ lotId: 'l', read: 'x'.repeat(101), direction: 'entry', at: 0 }).success).toBe(false);
		expect(unreadableReadSchema.safeParse({ lotId: 'l', read: '??', direction: 'sideways', at: 0 }).success).toBe(false);
		expect(unreadableReadSchema.safeParse({ lotId: 'l', read: '??', direction: 'exit', at: 0 }).success).toBe(true);
	});
});
