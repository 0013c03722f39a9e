import { describe, expect, test } from 'vitest';
import { display, entryVerdict, exitVerdict, readVerdict } from './decide.ts';

describe('the read', () => {
	test.each([
		[{ plate: null, confidence: 0, valid: false }, { decision: 'hold', reason: 'no_plate' }],
		[{ plate: 'KA01AB1234', confidence: 0.79, valid: true }, { decision: 'hold', reason: 'low_confidence' }],
		[{ plate: 'XX', confidence: 0.95, valid: false }, { decision: 'hold', reason: 'unreadable' }],
		[{ plate: 'KA01AB1234', confidence: 0.8, valid: true }, null]
	])('%o → %o', (read, verdict) => expect(readVerdict(read, 0.8)).toEqual(verdict));
});

describe('entry', () => {
	const base = { permit: false, hotlisted: false, alreadyInside: false, occupied: 10, capacity: 100 };
	test.each([
		[base, 'open', 'welcome'],
		[{ ...base, permit: true }, 'open', 'permit'],
		[{ ...base, hotlisted: true }, 'deny', 'hotlist'],
		[{ ...base, hotlisted: true, permit: true }, 'deny', 'hotlist'],
		[{ ...base, alreadyInside: true, permit: true }, 'deny', 'already_inside'],
		[{ ...base, alreadyInside: true, occupied: 100 }, 'deny', 'already_inside'],
		[{ ...base, occupied: 100 }, 'deny', 'lot_full'],
		[{ ...base, occupied: 100, permit: true }, 'open', 'permit'],
		[{ ...base, capacity: 0, occupied: 0 }, 'deny', 'lot_full']
	])('%o → %s %s', (facts, decision, reason) => expect(entryVerdict(facts)).toEqual({ decision, reason }));
});

describe('exit', () => {
	test.each([
		[{ feePaise: 12000, paidPaise: 0, permit: false }, 'hold', 'payment_due', 12000],
		[{ feePaise: 12000, paidPaise: 2000, permit: false }, 'hold', 'payment_due', 10000],
		[{ feePaise: 12000, paidPaise: 12000, permit: false }, 'open', 'paid', 0],
		[{ feePaise: 0, paidPaise: 0, permit: false }, 'open', 'free', 0],
		[{ feePaise: 0, paidPaise: 0, permit: true }, 'open', 'permit', 0]
	])('%o → %s %s due %i', (facts, decision, reason, due) => expect(exitVerdict(facts)).toEqual({ decision, reason, amountDuePaise: due }));
});

test.each([
	[{ decision: 'hold', reason: 'payment_due' }, 'KA01AB1234', 12000, 'KA01AB1234 ₹120'],
	[{ decision: 'hold', reason: 'payment_due' }, 'KA01AB1234', 12050, 'KA01AB1234 ₹120.50'],
	[{ decision: 'open', reason: 'welcome' }, 'KA01AB1234', 0, 'KA01AB1234 WELCOME'],
	[{ decision: 'hold', reason: 'no_plate' }, null, 0, 'PLEASE WAIT']
] as const)('display %o', (v, plate, due, text) => expect(display(v, plate, due, 'INR')).toBe(text));
