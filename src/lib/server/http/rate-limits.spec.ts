import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { spendRate } from './rate-limits.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const cfg = { rateLimits: { capturesPerMinute: 3, uploadsPerMinute: 2 } };
const gateA = { user: null, device: { id: 'device-a' } };
const gateB = { user: null, device: { id: 'device-b' } };
const driver = { user: { id: 'user-1' }, device: null };
const CAPTURES = '/api/v1/gates/[id]/captures';

describe.each(ENGINES)('rate limits on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	beforeAll(async () => {
		if (!skip) tdb = await createTestDatabase(engine);
	});
	afterAll(async () => tdb?.drop());

	test.skipIf(skip)('a device key gets its per-minute budget, then 429 with the seconds left in the window; another key is not affected', async () => {
		for (let i = 0; i < 3; i++) expect(await spendRate(tdb.db, cfg, CAPTURES, 'POST', gateA, T0 + i * 1000)).toBeNull();
		const refused = await spendRate(tdb.db, cfg, CAPTURES, 'POST', gateA, T0 + 20_000);
		expect(refused).toMatchObject({ status: 429, code: 'too_many_requests', headers: { 'retry-after': '40' } });
		expect(await spendRate(tdb.db, cfg, CAPTURES, 'POST', gateB, T0 + 20_000)).toBeNull();
		// a new window
		expect(await spendRate(tdb.db, cfg, CAPTURES, 'POST', gateA, T0 + 60_000)).toBeNull();
	});

	test.skipIf(skip)('uploads count per account; other routes and methods, and callers without the credential, are not counted', async () => {
		expect(await spendRate(tdb.db, cfg, '/upload_plate', 'POST', driver, T0)).toBeNull();
		expect(await spendRate(tdb.db, cfg, '/upload_plate', 'POST', driver, T0)).toBeNull();
		expect((await spendRate(tdb.db, cfg, '/upload_plate', 'POST', driver, T0))?.status).toBe(429);
		// the evidence links have their own budget
		expect(await spendRate(tdb.db, cfg, '/api/v1/evidence-uploads', 'POST', driver, T0)).toBeNull();
		for (let i = 0; i < 5; i++) {
			expect(await spendRate(tdb.db, cfg, CAPTURES, 'GET', driver, T0)).toBeNull();
			expect(await spendRate(tdb.db, cfg, '/api/v1/lots', 'POST', driver, T0)).toBeNull();
			expect(await spendRate(tdb.db, cfg, CAPTURES, 'POST', driver, T0)).toBeNull();
			expect(await spendRate(tdb.db, cfg, null, 'POST', driver, T0)).toBeNull();
		}
	});
});
