import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { expectedFigures, makeFixture, seedFixture, type Fixture } from './fixture.ts';
import { anomalyReport, occupancyReport, revenueReport, stayReport } from './reports.ts';

// 2026-10-20 … 2026-11-10 (local dates): New York falls back on 2026-11-01 inside it
const START = Date.UTC(2026, 9, 20);
const END = Date.UTC(2026, 10, 10);
const NOW = Date.UTC(2026, 10, 12, 12);
const fixture: Fixture = makeFixture(START, END);
const BOTH = ['lot-blr', 'lot-nyc'];

const asMap = <T extends Record<string, unknown>>(rows: T[], key: keyof T, value: keyof T) =>
	Object.fromEntries(rows.filter((r) => Number(r[value]) !== 0).map((r) => [String(r[key]), r[value]]));

describe.each(ENGINES)('reports on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		await seedFixture(tdb.db, fixture);
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	describe.each([
		['both lots, three weeks over a DST change', undefined, '2026-10-20', '2026-11-10', BOTH],
		['the Indian lot, one week', 'lot-blr', '2026-10-26', '2026-11-01', ['lot-blr']],
		['the New York lot, the fall-back day alone', 'lot-nyc', '2026-11-01', '2026-11-01', ['lot-nyc']]
	] as const)('%s', (_name, lotId, from, to, lotIds) => {
		const expected = expectedFigures(fixture, from, to, [...lotIds]);
		const query = { lotId, from, to };

		test.skipIf(skip)('revenue by day, lot, class and method', async () => {
			const r = await revenueReport(tdb.db, query, NOW);
			expect(r.totalPaise).toBe(expected.revenue.totalPaise);
			expect(r.payments).toBe(expected.revenue.payments);
			expect(asMap(r.byDay, 'date', 'paise')).toEqual(expected.revenue.byDay);
			expect(asMap(r.byLot, 'lotId', 'paise')).toEqual(expected.revenue.byLot);
			expect(asMap(r.byClass, 'vehicleClass', 'paise')).toEqual(expected.revenue.byClass);
			expect(asMap(r.byMethod, 'method', 'paise')).toEqual(expected.revenue.byMethod);
			expect(r.byDay.map((d) => d.date)[0]).toBe(from);
			expect(r.byDay.at(-1)?.date).toBe(to);
			expect(expected.revenue.totalPaise).toBeGreaterThan(0);
		});

		test.skipIf(skip)('occupancy at every hour: heatmap, entries by hour, peak', async () => {
			const r = await occupancyReport(tdb.db, query, NOW);
			expect(r.heatmap).toEqual(expected.occupancy.heatmap);
			expect(r.byHour.map((h) => h.entries)).toEqual(expected.occupancy.entriesByHour);
			expect(r.entries).toBe(expected.occupancy.entries);
			expect(r.exits).toBe(expected.occupancy.exits);
			expect(r.maxInside?.count).toBe(expected.occupancy.maxInside);
			const best = Math.max(...r.byHour.map((h) => h.averageInside));
			expect(r.peakHours[0]?.averageInside).toBe(best);
		});

		test.skipIf(skip)('stays: count, average and distribution', async () => {
			const r = await stayReport(tdb.db, query, NOW);
			expect(r.stays).toBe(expected.stays.stays);
			expect(r.averageMinutes).toBe(expected.stays.averageMinutes);
			expect(r.distribution.map((d) => d.stays)).toEqual(expected.stays.distribution);
		});

		test.skipIf(skip)('anomaly counts by kind and status', async () => {
			const r = await anomalyReport(tdb.db, query, NOW);
			expect(r.total).toBe(expected.anomalies.total);
			expect(Object.fromEntries(r.byKind.map(({ kind, ...k }) => [kind, k]))).toEqual(expected.anomalies.byKind);
			expect(r.byDay.reduce((n, d) => n + d.count, 0)).toBe(expected.anomalies.total);
		});
	});

	test.skipIf(skip)('the fall-back day in New York has 24 hour labels (01:00 once), and its day is 25 hours long', async () => {
		const r = await occupancyReport(tdb.db, { lotId: 'lot-nyc', from: '2026-11-01', to: '2026-11-01' }, NOW);
		expect(r.byHour.every((h, i) => h.hour === i)).toBe(true);
		expect(expectedFigures(fixture, '2026-11-01', '2026-11-01', ['lot-nyc']).occupancy.hours).toBe(24);
	});

	test.skipIf(skip)('the default window is the 30 days up to today in the lot’s zone', async () => {
		const r = await revenueReport(tdb.db, { lotId: 'lot-blr' }, NOW);
		expect(r.toDate).toBe('2026-11-12');
		expect(r.fromDate).toBe('2026-10-14');
		expect(r.days).toBe(30);
		expect(r.byDay).toHaveLength(30);
	});

	test.skipIf(skip)('a bad range or an unknown lot is refused', async () => {
		await expect(revenueReport(tdb.db, { from: '2026-11-02', to: '2026-11-01' }, NOW)).rejects.toMatchObject({ status: 422, code: 'bad_range' });
		await expect(revenueReport(tdb.db, { from: '2024-01-01', to: '2026-11-01' }, NOW)).rejects.toMatchObject({ status: 422, code: 'bad_range' });
		await expect(revenueReport(tdb.db, { lotId: 'nope' }, NOW)).rejects.toMatchObject({ status: 404 });
	});
});
