import { expect, test } from 'vitest';
import * as simulator from './index.ts';

test('the public API, end to end: simulate, detect perfectly, score 1', () => {
	const { events, truth, lot } = simulator.simulateTraffic({ seed: 1, startMs: Date.UTC(2025, 0, 6), hours: 24 });
	expect(events.length).toBeGreaterThan(1000);
	const detected = truth.anomalies.map((a) => ({ kind: a.kind, plate: a.plate, at: a.at }));
	const { byKind } = simulator.scoreAnomalies(truth, detected);
	for (const score of Object.values(byKind)) expect(score).toMatchObject({ precision: 1, recall: 1 });
	expect(simulator.summary(events, { timeZone: lot.timeZone }).arrivals).toBeGreaterThan(500);
});

test.each([
	'createRandom',
	'generatePlate',
	'createPlateFactory',
	'createLocalClock',
	'misreadPlate',
	'createReferenceLedger',
	'defaultLot',
	'simulateTraffic',
	'scoreAnomalies',
	'summary'
])('exports %s', (name) => {
	expect(typeof (simulator as Record<string, unknown>)[name]).toBe('function');
});
