/**
 * The barrier's rules, as pure functions of what the server knows at the moment of a capture.
 * The capture service gathers the facts and acts on the verdict (starting or ending a session).
 */
import { formatMoney } from '../../parking/index.ts';

export type Decision = 'open' | 'deny' | 'hold';

export type Reason =
	// before any rule: the read itself
	| 'no_plate'
	| 'low_confidence'
	| 'unreadable'
	// entry
	| 'welcome'
	| 'permit'
	| 'hotlist'
	| 'lot_full'
	| 'already_inside'
	// exit
	| 'paid'
	| 'free'
	| 'payment_due'
	| 'plate_mismatch'
	| 'no_entry';

export interface Verdict {
	decision: Decision;
	reason: Reason;
}

/** A read good enough to act on, or the hold that a person must resolve. */
export function readVerdict(read: { plate: string | null; confidence: number; valid: boolean }, threshold: number): Verdict | null {
	if (!read.plate) return { decision: 'hold', reason: 'no_plate' };
	if (read.confidence < threshold) return { decision: 'hold', reason: 'low_confidence' };
	if (!read.valid) return { decision: 'hold', reason: 'unreadable' };
	return null;
}

export interface EntryFacts {
	/** a permit valid now in this lot */
	permit: boolean;
	/** active hotlist entries for the plate */
	hotlisted: boolean;
	/** the plate has an active session in this lot */
	alreadyInside: boolean;
	/** cars of the class inside now, and spaces for the class */
	occupied: number;
	capacity: number;
}

/**
 * Entry: a hotlisted plate is denied (staff are alerted); a plate already inside is denied (a
 * cloned plate, or a missed exit: staff look); a full lot denies all but permit holders, whose
 * space is theirs; everyone else is let in.
 */
export function entryVerdict(f: EntryFacts): Verdict {
	if (f.hotlisted) return { decision: 'deny', reason: 'hotlist' };
	if (f.alreadyInside) return { decision: 'deny', reason: 'already_inside' };
	if (f.permit) return { decision: 'open', reason: 'permit' };
	if (f.occupied >= f.capacity) return { decision: 'deny', reason: 'lot_full' };
	return { decision: 'open', reason: 'welcome' };
}

export interface ExitFacts {
	feePaise: number;
	paidPaise: number;
	permit: boolean;
}

/** Exit of a found session: open when nothing is owed (free, paid, or a permit), else hold with the amount. */
export function exitVerdict(f: ExitFacts): Verdict & { amountDuePaise: number } {
	const due = Math.max(0, f.feePaise - f.paidPaise);
	if (due > 0) return { decision: 'hold', reason: 'payment_due', amountDuePaise: due };
	if (f.permit) return { decision: 'open', reason: 'permit', amountDuePaise: 0 };
	return { decision: 'open', reason: f.feePaise === 0 ? 'free' : 'paid', amountDuePaise: 0 };
}

const MESSAGES: Record<Reason, string> = {
	no_plate: 'PLEASE WAIT',
	low_confidence: 'PLEASE WAIT',
	unreadable: 'PLEASE WAIT',
	welcome: 'WELCOME',
	permit: 'WELCOME',
	hotlist: 'SEE ATTENDANT',
	lot_full: 'LOT FULL',
	already_inside: 'SEE ATTENDANT',
	paid: 'THANK YOU',
	free: 'THANK YOU',
	payment_due: '',
	plate_mismatch: 'PLEASE WAIT',
	no_entry: 'SEE ATTENDANT'
};

/**
 * The short text a gate's screen shows: the plate, then the amount due or a word.
 * @example display({ decision: 'hold', reason: 'payment_due' }, 'KA01AB1234', 12000, 'INR') // 'KA01AB1234 ₹120'
 */
export function display(v: Verdict, plate: string | null, amountDuePaise: number, currency: string): string {
	const tail = v.reason === 'payment_due' ? formatMoney(amountDuePaise, currency).replace(/\.00$/, '') : MESSAGES[v.reason];
	return [plate ?? '', tail].filter(Boolean).join(' ');
}
