import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ANOMALY_KINDS } from '../../parking/index.ts';
import { scoreAnomalies, simulateTraffic, type Simulation } from '../../parking/simulator/index.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { lots } from './lots.ts';
import { searchSessions, type ParkingSettings } from './sessions.ts';
import {
	checkSimulationFits,
	detectedAnomalies,
	driveSimulation,
	prepareSimulation,
	SIMULATOR_ACTOR_ID,
	type DriveReport,
	type SimulationTarget
} from './simulation-driver.ts';

const settings: ParkingSettings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };
// Monday 2026-03-02, 00:00 IST
const START = Date.UTC(2026, 2, 1, 18, 30);

/** A small lot's day with every fault frequent enough that each anomaly kind turns up. */
const simulation: Simulation = simulateTraffic({
	seed: 3,
	startMs: START,
	hours: 24,
	lot: { capacity: { car: 50, 'two-wheeler': 20 }, longStayMinutes: 600, lowConfidenceThreshold: settings.ocrConfidenceThreshold },
	faults: {
		'misread-exit': 0.05,
		'duplicate-entry': 0.05,
		'missed-entry': 0.03,
		'unreadable-entry': 0.03,
		'missing-exit': 0.03,
		'long-stay': 0.03,
		'low-confidence': 0.05,
		'hotlist-visit': 0.03,
		'permit-expiry': 1,
		'over-capacity': 1
	}
});

describe.each(ENGINES)('the simulation driver on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let target: SimulationTarget;
	let report: DriveReport;

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		target = await prepareSimulation(tdb.db, simulation, settings, { name: 'Simulated lot', currency: 'INR' });
		report = await driveSimulation(tdb.db, simulation, target, settings);
	}, 120_000);
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('the fixture exercises every anomaly kind', () => {
		for (const kind of ANOMALY_KINDS) expect(simulation.truth.anomalies.filter((a) => a.kind === kind).length, kind).toBeGreaterThan(0);
		expect(simulation.truth.faults.length).toBeGreaterThan(30);
	});

	test.skipIf(skip)('every injected fault is found, and nothing else is raised', async () => {
		const detected = await detectedAnomalies(tdb.db, target.lot.id, simulation, report.sessionRefs);
		const score = scoreAnomalies(simulation.truth, detected);
		expect(score.missed).toEqual([]);
		expect(score.spurious).toEqual([]);
		for (const kind of ANOMALY_KINDS) expect(score.byKind[kind], kind).toMatchObject({ precision: 1, recall: 1, fp: 0, fn: 0 });
		// each fault's own anomaly is among the matches
		const causes = new Set(simulation.truth.anomalies.map((a) => a.cause));
		for (const fault of simulation.truth.faults) expect(causes.has(fault.kind), fault.kind).toBe(true);
	});

	test.skipIf(skip)('the sessions, fees and payments are what the services recorded', async () => {
		const { counts } = report;
		const stored = await searchSessions(tdb.db, { lotId: target.lot.id }, 1, 0);
		expect(stored.total).toBe(counts.sessionsStarted);
		const active = await searchSessions(tdb.db, { lotId: target.lot.id, status: 'active' }, 1, 0);
		expect(active.total).toBe(counts.stillParked);
		expect((await searchSessions(tdb.db, { startedBy: SIMULATOR_ACTOR_ID }, 1, 0)).total).toBe(counts.sessionsStarted);
		expect(counts.entryReads + counts.exitReads + counts.scans).toBe(simulation.events.length);
		expect(counts.duplicateReads).toBeGreaterThan(0);
		expect(counts.unreadableReads).toBeGreaterThan(0);
		expect(counts.confirmed).toBe(counts.mismatches);
		expect(report.feesPaise).toBeGreaterThan(0);
		expect(report.paidPaise).toBe(report.feesPaise);
		expect(Number.isSafeInteger(report.feesPaise)).toBe(true);
		expect(target.permitsLoaded).toBe(simulation.permits.length);
		expect(target.hotlistLoaded).toBe(simulation.hotlist.length);
	});

	test.skipIf(skip)('setting up again reuses the gates and does not load permits or the hotlist twice', async () => {
		const again = await prepareSimulation(tdb.db, simulation, settings, { name: 'Simulated lot', currency: 'INR', existing: target.lot });
		expect(again).toMatchObject({ entryGateId: target.entryGateId, exitGateId: target.exitGateId, permitsLoaded: 0, hotlistLoaded: 0 });
	});

	test.skipIf(skip)('a simulation that does not fit the system is refused before anything is written', async () => {
		const before = (await lots(tdb.db)).length;
		const stricter = { ...settings, ocrConfidenceThreshold: 0.9 };
		await expect(prepareSimulation(tdb.db, simulation, stricter, { name: 'Another lot', currency: 'INR' })).rejects.toThrow(/lowConfidenceThreshold/);
		expect((await lots(tdb.db)).length).toBe(before);
		expect(() => checkSimulationFits(simulation, { ...target.lot, capacity: { car: 51, 'two-wheeler': 20 } }, settings)).toThrow(/capacity\.car/);
	});
});
