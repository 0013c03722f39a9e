import { describe, expect, test } from 'vitest';
import { defaultPlan } from '../parking/index.ts';
import type { PatrolSnapshot } from '../parking/patrol-snapshot.ts';
import { assess, formatMinutes, formatPaise } from './assess.ts';
import { newItem } from './outbox.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const MIN = 60_000;
const plan = defaultPlan({ baseRatePerHourPaise: 5000, graceMinutes: 10, currency: 'INR' });
const snapshot: PatrolSnapshot = {
	at: T0,
	lot: { id: 'lot', name: 'North', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', longStayMinutes: 120 },
	plans: {},
	defaultPlan: plan,
	sessions: [
		{ id: 's1', plate: 'KA01AB1234', vehicleClass: 'car', entryAt: T0 - 150 * MIN, permitId: null, paidPaise: 0 },
		{ id: 's2', plate: 'KA01AB5555', vehicleClass: 'car', entryAt: T0 - 30 * MIN, permitId: 'p1', paidPaise: 0 }
	],
	permits: [
		{ id: 'p1', plate: 'KA01AB5555', kind: 'monthly', validFrom: T0 - 10 * 24 * 60 * MIN, validUntil: T0 + 20 * 24 * 60 * MIN },
		{ id: 'p2', plate: 'KA01AB7777', kind: 'resident', validFrom: T0 - 40 * 24 * 60 * MIN, validUntil: T0 - 24 * 60 * MIN }
	],
	hotlist: [{ plate: 'MH12XY0001', reason: 'stolen', priority: 'high', expiresAt: null }]
};

describe('assess', () => {
	test.each([
		// plate, session?, permit, hotlist hits, overstay minutes, due paise
		['KA01AB1234', true, null, 0, 30, 15000],
		['KA01AB5555', true, { kind: 'monthly', valid: true }, 0, null, 0],
		['KA01AB7777', false, { kind: 'resident', valid: false }, 0, null, null],
		['MH12XY0001', false, null, 1, null, null]
	] as const)('%s', (plate, parked, permit, hits, overstay, due) => {
		const a = assess(snapshot, plate, T0);
		expect(a.session !== null).toBe(parked);
		if (permit === null) expect(a.permit).toBeNull();
		else expect(a.permit).toMatchObject(permit);
		expect(a.hotlist.length).toBe(hits);
		expect(a.overstayMinutes).toBe(overstay);
		expect(a.duePaise).toBe(due);
	});

	test('a start and an end recorded on this phone offline change the answer', () => {
		const start = newItem({ kind: 'session.start', lotId: 'lot', plate: 'KA09ZZ0001', at: T0 + MIN }, T0 + MIN);
		const inside = assess(snapshot, 'KA09ZZ0001', T0 + 71 * MIN, [start]);
		expect(inside.session).toMatchObject({ startedHere: true, entryAt: T0 + MIN });
		expect(inside.duePaise).toBe(10000);
		const end = newItem({ kind: 'session.end', lotId: 'lot', plate: 'KA09ZZ0001', at: T0 + 80 * MIN }, T0 + 80 * MIN);
		expect(assess(snapshot, 'KA09ZZ0001', T0 + 81 * MIN, [end, start])).toMatchObject({ session: null, endedHere: true });
		// an end of a snapshot session
		const endS1 = newItem({ kind: 'session.end', lotId: 'lot', plate: 'KA01AB1234', at: T0 + MIN }, T0 + MIN);
		expect(assess(snapshot, 'KA01AB1234', T0 + 2 * MIN, [endS1]).session).toBeNull();
		// a rejected start counts for nothing
		expect(assess(snapshot, 'KA09ZZ0001', T0 + 2 * MIN, [{ ...start, status: 'rejected' }]).session).toBeNull();
	});

	test('age of the data', () => expect(assess(snapshot, 'X', T0 + 5 * MIN).snapshotAgeMs).toBe(5 * MIN));
});

test.each([
	[45, '45 min'],
	[125, '2 h 05 min'],
	[3000, '2 d 2 h']
])('formatMinutes(%i)', (m, s) => expect(formatMinutes(m)).toBe(s));
test('formatPaise', () => expect(formatPaise(12000, 'INR')).toBe('₹120.00'));
