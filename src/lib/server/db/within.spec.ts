import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLot } from '../parking/lots.ts';
import { findLot } from '../parking/lots.repo.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from './testing.ts';
import { within } from './within.ts';

const now = Date.UTC(2026, 10, 2, 4, 0);
let n = 0;
const lotInput = () => ({ name: `Within ${n++}`, country: 'in' as const, timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 10 }, longStayMinutes: 720, imageRetentionDays: 30 });

describe.each(ENGINES)('a service run inside a transaction on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	beforeAll(async () => {
		if (!skip) tdb = await createTestDatabase(engine);
	});
	afterAll(async () => {
		await tdb?.drop();
	});
	const exists = (id: string) => tdb.db.run(async (x) => (await findLot(x, id)) !== undefined);

	test.skipIf(skip)('commits with the outer transaction, and is rolled back with it', async () => {
		const kept = await tdb.db.transaction((x) => createLot(within(x), lotInput(), null, now));
		expect(await exists(kept.id)).toBe(true);
		let made = '';
		await expect(
			tdb.db.transaction(async (x) => {
				made = (await createLot(within(x), lotInput(), null, now)).id;
				throw new Error('the outer work failed');
			})
		).rejects.toThrow('the outer work failed');
		expect(made).not.toBe('');
		expect(await exists(made)).toBe(false);
	});

	test.skipIf(skip)('a nested transaction that throws undoes only its own work (a savepoint), as its own transaction would', async () => {
		const { outer, inner } = await tdb.db.transaction(async (x) => {
			const db = within(x);
			const outer = await createLot(db, lotInput(), null, now);
			let inner = '';
			await expect(
				db.transaction(async (y) => {
					inner = (await createLot(within(y), lotInput(), null, now)).id;
					throw new Error('refused');
				})
			).rejects.toThrow('refused');
			return { outer: outer.id, inner };
		});
		expect(await exists(outer)).toBe(true);
		expect(await exists(inner)).toBe(false);
	});
});
