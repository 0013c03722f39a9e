import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { createLot } from '../parking/lots.ts';
import { hotlistEntries, permits } from '../parking/permits.ts';
import { parseCsv } from '../reports/csv.ts';
import { exportHotlist, exportPermits, importHotlist, importPermits } from './plate-lists.ts';

const NOW = Date.UTC(2026, 10, 2, 6, 0);
const ZONE = 'Asia/Kolkata';

describe.each(ENGINES)('hotlist and whitelist CSV on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		await createLot(tdb.db, { name: 'Forum Mall', country: 'in', timeZone: ZONE, currency: 'INR', capacity: { car: 50 }, longStayMinutes: 720, imageRetentionDays: 30 }, null, NOW);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('a file with bad rows imports nothing and names each bad line', async () => {
		const csv = 'plate,reason,priority,expires\nKA01AB1234,stolen,high,\n!!,x,urgent,2026-13-01\n"MH 12 XY 9999","unpaid, twice",low,2020-01-01\n';
		const r = await importHotlist(tdb.db, csv, ZONE, 'admin-1', NOW);
		expect(r.imported).toBe(0);
		expect(r.problems.map((p) => p.line)).toEqual([3, 4]);
		expect(r.problems[0]!.message).toMatch(/expires/);
		expect(r.problems[1]!.message).toMatch(/passed/);
		expect(await hotlistEntries(tdb.db, NOW)).toHaveLength(0);
	});

	test.skipIf(skip)('a clean file is imported, and the export reads back as the same rows', async () => {
		const csv = 'plate,reason,priority,expires\nKA01AB1234,stolen,high,\n"MH 12 XY 9999","unpaid, twice",low,2027-01-31\n';
		expect(await importHotlist(tdb.db, csv, ZONE, 'admin-1', NOW)).toEqual({ imported: 2, problems: [] });
		const out = parseCsv(await exportHotlist(tdb.db, ZONE, NOW));
		expect(out.header).toEqual(['plate', 'reason', 'priority', 'expires']);
		expect(out.rows.map((r) => r.cells).sort()).toEqual([
			['KA01AB1234', 'stolen', 'high', ''],
			['MH12XY9999', 'unpaid, twice', 'low', '2027-01-31']
		]);
	});

	test.skipIf(skip)('a header the list does not have is refused', async () => {
		await expect(importHotlist(tdb.db, 'plate,why\nKA01AB1234,x\n', ZONE, 'a', NOW)).rejects.toMatchObject({ status: 422, code: 'bad_header' });
	});

	test.skipIf(skip)('permits (the whitelist) by lot name, dates in the lot zone; bad rows by line', async () => {
		const bad = 'plate,kind,lots,valid_from,valid_until,holder\nKA01AB0001,monthly,Forum Mall,2026-11-01,2026-11-30,Asha\nKA01AB0002,yearly,Forum Mall,2026-11-01,2026-11-30,\nKA01AB0003,staff,Nowhere,2026-11-01,2026-11-30,\n';
		const r = await importPermits(tdb.db, bad, ZONE, 'admin-1', NOW);
		expect(r.problems.map((p) => p.line)).toEqual([3, 4]);
		expect(r.problems[1]!.message).toMatch(/Nowhere/);
		const good = 'plate,kind,lots,valid_from,valid_until,holder\nKA01AB0001,monthly,Forum Mall,2026-11-01,2026-11-30,Asha\n';
		expect(await importPermits(tdb.db, good, ZONE, 'admin-1', NOW)).toEqual({ imported: 1, problems: [] });
		const [p] = await permits(tdb.db, 'KA01AB0001');
		expect(p).toMatchObject({ kind: 'monthly', validFrom: Date.UTC(2026, 9, 31, 18, 30), validUntil: Date.UTC(2026, 10, 30, 18, 30), holderName: 'Asha' });
		expect(parseCsv(await exportPermits(tdb.db, ZONE, NOW)).rows[0]!.cells).toEqual(['KA01AB0001', 'monthly', 'Forum Mall', '2026-11-01', '2026-11-30', 'Asha', '']);
	});
});
