/**
 * The sender: claims due outbox rows and sends them through Twilio, safe with several senders at
 * once (app instances, processes). Each row is claimed by one sender for a lease; every write
 * after that names the claim, so a sender that lost its claim (it stalled past the lease) changes
 * nothing. Before each send the row records that Twilio may have the message from now on
 * (`ambiguous_since`); any later attempt whose predecessor ended unseen — a dropped connection, a
 * 5xx, a crash — first asks Twilio for that message and records it instead of sending it again.
 * That, and the unique Twilio SID, is what keeps a message from going out twice.
 */
import { DEFAULT_BACKOFF, maskPhone, quietHoursEnd, retryDelayMs, type BackoffOptions, type QuietHours } from '../../parking/sms/index.ts';
import { newId } from '../../id.ts';
import { isUniqueViolation, type Database } from '../db/database.ts';
import { log } from '../log.ts';
import { listLots } from '../parking/lots.repo.ts';
import { claimDue, holdUnconfigured, sidsTaken, updateClaimed, type OutboxRow } from './outbox.repo.ts';
import type { SendOutcome, SmsGateway } from './twilio-client.ts';
import { isOptedOut } from './templates.repo.ts';

export const NOT_CONFIGURED = 'SMS not configured';

export interface SenderOptions {
	/** rows claimed per round */
	batchSize: number;
	/** messages in flight at once */
	concurrency: number;
	/** how long a claim holds: longer than a send with its lookup can take */
	leaseMs: number;
	maxAttempts: number;
	backoff: BackoffOptions;
	quietHours: QuietHours | null;
	/** the status webhook's URL; each message adds `?m=<outbox id>` */
	statusCallbackUrl: string | undefined;
	random: () => number;
}

export const DEFAULT_SENDER: SenderOptions = {
	batchSize: 50,
	concurrency: 8,
	leaseMs: 60_000,
	maxAttempts: 12,
	backoff: DEFAULT_BACKOFF,
	quietHours: null,
	statusCallbackUrl: undefined,
	random: Math.random
};

export interface DrainResult {
	claimed: number;
	accepted: number;
	retrying: number;
	failed: number;
	cancelled: number;
	deferred: number;
	/** rows whose claim was lost to another sender mid-way (nothing written) */
	lost: number;
}

/**
 * One round: claims up to `batchSize` due rows and settles each. Without a gateway (no Twilio
 * credentials) nothing is sent: waiting rows are marked {@link NOT_CONFIGURED}.
 */
export async function drainOnce(db: Database, gateway: SmsGateway | null, now: number, options: Partial<SenderOptions> = {}): Promise<DrainResult> {
	const opts = { ...DEFAULT_SENDER, ...options };
	const result: DrainResult = { claimed: 0, accepted: 0, retrying: 0, failed: 0, cancelled: 0, deferred: 0, lost: 0 };
	if (!gateway) {
		await db.run((x) => holdUnconfigured(x, NOT_CONFIGURED, now));
		return result;
	}
	const token = newId();
	const rows = await db.run((x) => claimDue(x, token, now, opts.leaseMs, opts.batchSize));
	result.claimed = rows.length;
	if (rows.length === 0) return result;
	const zones = new Map((await db.run((x) => listLots(x))).map((l) => [l.id, l.timeZone]));
	let next = 0;
	const worker = async () => {
		while (next < rows.length) {
			const row = rows[next++]!;
			try {
				const outcome = await settle(db, gateway, row, token, now, zones.get(row.lotId ?? '') ?? 'UTC', opts);
				result[outcome]++;
			} catch (error) {
				// the database went away mid-way: the claim lapses and another round takes the row
				log('error', 'sms send failed', { id: row.id, error: String(error) });
				result.lost++;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(opts.concurrency, rows.length) }, worker));
	return result;
}

type Settled = Exclude<keyof DrainResult, 'claimed'>;

async function settle(db: Database, gateway: SmsGateway, row: OutboxRow, token: string, now: number, timeZone: string, opts: SenderOptions): Promise<Settled> {
	const write = (patch: Partial<OutboxRow>) => db.run((x) => updateClaimed(x, row.id, token, { ...patch, updatedAt: now }));
	const release = (patch: Partial<OutboxRow>) => write({ status: 'pending', claimedBy: null, claimUntil: null, ...patch });

	if (await db.run((x) => isOptedOut(x, row.toPhone))) {
		return (await write({ status: 'cancelled', holdReason: 'opted out (STOP)', claimUntil: null })) ? 'cancelled' : 'lost';
	}
	if (row.priority === 'normal') {
		const allowedAt = quietHoursEnd(now, timeZone, opts.quietHours);
		if (allowedAt > now) return (await release({ nextAttemptAt: allowedAt, holdReason: 'quiet hours' })) ? 'deferred' : 'lost';
	}

	// An earlier attempt may have reached Twilio unseen: find that message rather than send another.
	if (row.ambiguousSince !== null) {
		let found: Array<{ sid: string; status: string }>;
		try {
			found = await gateway.findSent({ to: row.toPhone, body: row.body, since: row.ambiguousSince });
		} catch (error) {
			// counts as an attempt, so the wait grows while Twilio stays away
			const counted = { ...row, attempts: row.attempts + 1 };
			return retry(counted, now, opts, (p) => write({ attempts: counted.attempts, ...p }), (p) => release({ attempts: counted.attempts, ...p }), { kind: 'retry', message: `looking for an earlier attempt: ${String((error as Error).message ?? error)}`, code: null, httpStatus: null, ambiguous: false });
		}
		const taken = await db.run((x) => sidsTaken(x, found.map((f) => f.sid)));
		const mine = found.find((f) => !taken.has(f.sid));
		if (mine) {
			log('info', 'sms found sent by an earlier attempt', { id: row.id, sid: mine.sid });
			return accept(row, mine.sid, mine.status, now, write);
		}
	}

	const attempt = row.attempts + 1;
	if (!(await write({ attempts: attempt, ambiguousSince: row.ambiguousSince ?? now, holdReason: null }))) return 'lost';
	const statusCallback = opts.statusCallbackUrl ? `${opts.statusCallbackUrl}?m=${row.id}` : undefined;
	const outcome = await gateway.send({ to: row.toPhone, body: row.body, attempt, ...(statusCallback ? { statusCallback } : {}) });
	const after = { ...row, attempts: attempt };
	switch (outcome.kind) {
		case 'accepted':
			return accept(after, outcome.sid, outcome.status, now, write);
		case 'rejected':
			log('warn', 'sms rejected by Twilio', { id: row.id, to: maskPhone(row.toPhone), code: outcome.code, status: outcome.httpStatus });
			// Twilio answered: no message was made by this attempt
			return (await write({ status: 'failed', errorCode: outcome.code, lastError: outcome.message, ambiguousSince: row.ambiguousSince, claimUntil: null })) ? 'failed' : 'lost';
		case 'retry':
			return retry(after, now, opts, write, release, outcome, row.ambiguousSince ?? now);
	}
}

async function accept(row: OutboxRow, sid: string, status: string, now: number, write: (p: Partial<OutboxRow>) => Promise<boolean>): Promise<Settled> {
	try {
		const ok = await write({ status: 'accepted', twilioSid: sid, twilioStatus: status, acceptedAt: now, holdReason: null, lastError: null, errorCode: null, claimUntil: null });
		return ok ? 'accepted' : 'lost';
	} catch (error) {
		// another row holds this SID: Twilio answered two requests with one message (never seen), or a
		// lookup raced a send; leave the row to be looked at rather than guess
		if (!isUniqueViolation(error)) throw error;
		log('error', 'sms SID already recorded on another row', { id: row.id, sid });
		return (await write({ status: 'failed', lastError: `Twilio SID ${sid} is recorded on another message`, claimUntil: null })) ? 'failed' : 'lost';
	}
}

async function retry(
	row: OutboxRow,
	now: number,
	opts: SenderOptions,
	write: (p: Partial<OutboxRow>) => Promise<boolean>,
	release: (p: Partial<OutboxRow>) => Promise<boolean>,
	outcome: Extract<SendOutcome, { kind: 'retry' }>,
	ambiguousIfSo: number | null = row.ambiguousSince
): Promise<Settled> {
	// a definite "not taken" (429, refused connection) leaves the earlier uncertainty as it was
	const ambiguousSince = outcome.ambiguous ? ambiguousIfSo : row.ambiguousSince;
	if (row.attempts >= opts.maxAttempts) {
		return (await write({ status: 'failed', lastError: `gave up after ${row.attempts} attempts: ${outcome.message}`, errorCode: outcome.code, ambiguousSince, claimUntil: null })) ? 'failed' : 'lost';
	}
	const delay = retryDelayMs(Math.max(row.attempts, 1), opts.random(), opts.backoff);
	const ok = await release({ nextAttemptAt: now + delay, holdReason: 'retrying', lastError: outcome.message, errorCode: outcome.code, ambiguousSince });
	return ok ? 'retrying' : 'lost';
}

/**
 * Drains until nothing is due at the clock's time, then returns (tests, the bench, the loop).
 * @returns totals over all rounds
 */
export async function drainUntilIdle(db: Database, gateway: SmsGateway | null, clock: () => number = Date.now, options: Partial<SenderOptions> = {}): Promise<DrainResult> {
	const total: DrainResult = { claimed: 0, accepted: 0, retrying: 0, failed: 0, cancelled: 0, deferred: 0, lost: 0 };
	for (;;) {
		const r = await drainOnce(db, gateway, clock(), options);
		for (const k of Object.keys(total) as Array<keyof DrainResult>) total[k] += r[k];
		if (r.claimed === 0) return total;
	}
}

/**
 * Runs the sender in this process every `everyMs` until stopped. Every app instance runs one:
 * the row claims keep them from sending a message twice.
 */
export function startSmsSender(db: Database, gateway: SmsGateway | null, options: Partial<SenderOptions> = {}, everyMs = 2_000): () => void {
	let running = false;
	const timer = setInterval(() => {
		if (running) return;
		running = true;
		drainUntilIdle(db, gateway, Date.now, options)
			.catch((error: unknown) => log('error', 'sms sender round failed', { error: String(error) }))
			.finally(() => (running = false));
	}, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
