import { describe, expect, test } from 'vitest';
import type { RaisedAnomaly, ReferenceLedger } from './ledger.ts';
import { createLocalClock } from './profile.ts';
import { toVisit, truthAnomalies, type VisitState } from './truth.ts';

const HOUR = 3_600_000;
const T = Date.UTC(2025, 0, 6, 6); // 11:30 IST
const END = T + 48 * HOUR;

const visit = (fields: Partial<VisitState> = {}): VisitState => ({
	plate: 'KA01AB1234',
	vehicleClass: 'car',
	role: 'visitor',
	arrivalAt: T,
	exitAt: T + HOUR,
	fault: null,
	lowConfidenceAt: null,
	entryIndex: 0,
	exitIndex: 3,
	sessionIndex: 0,
	...fields
});
const raised = (fields: Partial<RaisedAnomaly>): RaisedAnomaly => ({
	kind: 'long-stay',
	plate: 'KA01AB1234',
	readPlate: null,
	at: T + 30 * 60_000,
	eventIndex: 2,
	entryIndex: 0,
	vehicleClass: null,
	key: 'k',
	...fields
});
const ledger = (closed: Record<number, number>): ReferenceLedger =>
	({ closedAt: (entryIndex: number) => closed[entryIndex] }) as unknown as ReferenceLedger;
const clock = createLocalClock('Asia/Kolkata');

describe('truthAnomalies', () => {
	test.each<[string, VisitState, Partial<RaisedAnomaly>, Record<number, number>, string, number]>([
		['a natural long stay', visit(), {}, { 0: T + HOUR }, 'traffic', T + HOUR],
		['the fault it stands for', visit({ fault: 'long-stay' }), {}, { 0: T + HOUR }, 'long-stay', T + HOUR],
		[
			'another fault’s visit staying long',
			visit({ fault: 'duplicate-entry' }),
			{},
			{ 0: T + HOUR },
			'traffic',
			T + HOUR
		],
		[
			'a session an unresolved misread left open',
			visit({ fault: 'misread-exit' }),
			{ at: T + 5 * HOUR },
			{},
			'misread-exit',
			END
		],
		['a car still inside at the end', visit({ exitAt: null }), {}, {}, 'traffic', END]
	])('%s', (_, v, fields, closed, cause, untilMs) => {
		const [truth] = truthAnomalies([{ anomaly: raised(fields), visit: v }], {
			clock,
			ledger: ledger(closed),
			endMs: END
		});
		expect(truth).toMatchObject({ cause, plate: 'KA01AB1234', window: { fromMs: T, untilMs }, localDay: '2025-01-06' });
	});

	test('over capacity spans its local day and names no plate', () => {
		const [truth] = truthAnomalies(
			[
				{
					anomaly: raised({ kind: 'over-capacity', plate: null, vehicleClass: 'car' }),
					visit: visit({ fault: 'over-capacity' })
				}
			],
			{ clock, ledger: ledger({}), endMs: END }
		);
		const dayStart = Date.UTC(2025, 0, 5, 18, 30);
		expect(truth).toMatchObject({ plate: null, vehicleClass: 'car', cause: 'over-capacity' });
		expect(truth?.window).toEqual({ fromMs: dayStart, untilMs: dayStart + 24 * HOUR - 1 });
	});

	test('toVisit keeps the public fields only', () => {
		expect(Object.keys(toVisit(visit())).sort()).toEqual(
			['arrivalAt', 'entryIndex', 'exitAt', 'exitIndex', 'fault', 'plate', 'role', 'vehicleClass'].sort()
		);
	});
});
