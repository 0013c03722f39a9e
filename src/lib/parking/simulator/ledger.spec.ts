import { describe, expect, test } from 'vitest';
import type { PermitValidity } from '../anomaly-rules.ts';
import { createReferenceLedger, type ReferenceLedger } from './ledger.ts';
import type { SimEvent, SimLot } from './types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T = Date.UTC(2026, 0, 15, 4, 30); // 10:00 IST
const lot: SimLot = {
	country: 'in',
	timeZone: 'Asia/Kolkata',
	capacity: { car: 2, 'two-wheeler': 1 },
	longStayMinutes: 120,
	lowConfidenceThreshold: 0.6,
	mismatchMaxCost: 1
};

const entry = (plate: string, minutes: number, extra: Partial<SimEvent> = {}): SimEvent =>
	({
		type: 'entry',
		at: T + minutes * MINUTE,
		plateRead: plate,
		truePlate: plate,
		vehicleClass: 'car',
		confidence: 0.95,
		gate: 'entry',
		...extra
	}) as SimEvent;
const exit = (plate: string, minutes: number, extra: Partial<SimEvent> = {}): SimEvent =>
	({
		type: 'exit',
		at: T + minutes * MINUTE,
		plateRead: plate,
		truePlate: plate,
		confidence: 0.95,
		gate: 'exit',
		...extra
	}) as SimEvent;
const scan = (minutes: number): SimEvent => ({ type: 'scan', at: T + minutes * MINUTE });

function run(
	events: SimEvent[],
	options: { permits?: Record<string, PermitValidity[]>; hotlist?: string[]; resolve?: boolean } = {}
) {
	const ledger: ReferenceLedger = createReferenceLedger({
		lot,
		permitsFor: (plate) => options.permits?.[plate] ?? [],
		isHotlisted: (plate) => options.hotlist?.includes(plate) ?? false,
		resolveMismatches: options.resolve ?? true
	});
	const steps = events.map((event, index) => ledger.apply(event, index));
	return { ledger, steps, raised: steps.flatMap((step) => step.anomalies.map((a) => `${a.kind}@${a.eventIndex}`)) };
}

describe('createReferenceLedger', () => {
	test.each<[string, SimEvent[], string[]]>([
		['a clean visit', [entry('KA01AB1234', 0), exit('KA01AB1234', 30)], []],
		[
			'a duplicate entry read',
			[entry('KA01AB1234', 0), entry('KA01AB1234', 2), entry('KA01AB1234', 3)],
			['duplicate-entry@1']
		],
		['an exit nobody entered', [exit('KA01AB1234', 0)], ['exit-without-entry@0']],
		[
			'the same plate exiting twice on a day is one anomaly',
			[exit('KA01AB1234', 0), exit('KA01AB1234', 60)],
			['exit-without-entry@0']
		],
		[
			'a misread exit',
			[entry('KA01AB1234', 0), exit('KA01AB1284', 30, { truePlate: 'KA01AB1234' })],
			['plate-mismatch@1']
		],
		['an unreadable entry', [entry('KA0?AB1234', 0)], ['unreadable-plate@0']],
		[
			'a low-confidence entry still opens',
			[entry('KA01AB1234', 0, { confidence: 0.3 }), exit('KA01AB1234', 5)],
			['low-confidence@0']
		],
		[
			'long stay at the first tick past the threshold, once',
			[entry('KA01AB1234', 0), scan(119), scan(120), scan(135)],
			['long-stay@2']
		],
		['no long stay for a car that left', [entry('KA01AB1234', 0), exit('KA01AB1234', 119), scan(120)], []],
		[
			'over capacity once per local day',
			[
				entry('KA01AB0001', 0),
				entry('KA01AB0002', 1),
				entry('KA01AB0003', 2),
				exit('KA01AB0003', 3),
				entry('KA01AB0004', 4)
			],
			['over-capacity@2']
		],
		[
			'classes fill separately',
			[entry('KA01AB0001', 0, { vehicleClass: 'two-wheeler' }), entry('KA01AB0002', 1), entry('KA01AB0003', 2)],
			[]
		]
	])('%s', (_, events, expected) => {
		expect(run(events).raised).toEqual(expected);
	});

	test('a duplicate read opens no second session', () => {
		const { ledger, steps } = run([entry('KA01AB1234', 0), entry('KA01AB1234', 2)]);
		expect(steps.map((s) => s.opened)).toEqual([true, false]);
		expect(ledger.occupancy('car')).toBe(1);
		expect(steps[1]?.anomalies[0]).toMatchObject({ entryIndex: 0, plate: 'KA01AB1234' });
	});

	test('a resolved mismatch closes the true car’s session; unresolved, it stays open', () => {
		const events = [entry('KA01AB1234', 0), exit('KA01AB1284', 30, { truePlate: 'KA01AB1234' }), scan(120)];
		const resolved = run(events);
		expect(resolved.steps[1]).toMatchObject({ closed: 0 });
		expect(resolved.ledger.closedAt(0)).toBe(T + 30 * MINUTE);
		expect(resolved.raised).toEqual(['plate-mismatch@1']);
		const open = run(events, { resolve: false });
		expect(open.ledger.openPlates()).toEqual(['KA01AB1234']);
		expect(open.raised).toEqual(['plate-mismatch@1', 'long-stay@2']);
	});

	test('an operator does not close a candidate that is not the car', () => {
		const { ledger } = run([entry('KA01AB1234', 0), exit('KA01AB1284', 30)]);
		expect(ledger.openPlates()).toEqual(['KA01AB1234']);
	});

	test('a permit lapsing mid-stay is found at the next scan; one not valid at entry never', () => {
		const permits = {
			KA01AB1234: [{ validFromMs: T - HOUR, validUntilMs: T + 40 * MINUTE }],
			KA01AB5678: [{ validFromMs: T - 48 * HOUR, validUntilMs: T - HOUR }]
		};
		const { raised } = run([entry('KA01AB1234', 0), entry('KA01AB5678', 1), scan(30), scan(45), scan(60)], { permits });
		expect(raised).toEqual(['permit-expired-while-parked@3']);
	});

	test('a hotlisted plate is hit once per session', () => {
		const events = [entry('KA01AB1234', 0), entry('KA01AB1234', 2), exit('KA01AB1234', 10), entry('KA01AB1234', 20)];
		const { raised, steps } = run(events, { hotlist: ['KA01AB1234'] });
		expect(raised).toEqual(['hotlist-hit@0', 'duplicate-entry@1', 'hotlist-hit@3']);
		expect(steps[3]?.anomalies[0]).toMatchObject({ entryIndex: 3 });
	});

	test('a day later, the same plate raises per-day anomalies again', () => {
		const { raised } = run([exit('KA01AB1234', 0), exit('KA01AB1234', 24 * 60)]);
		expect(raised).toEqual(['exit-without-entry@0', 'exit-without-entry@1']);
	});
});
