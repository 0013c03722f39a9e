/**
 * Commands for a gate — an operator opens a held barrier (after correcting the plate or taking
 * the payment) or opens or closes it by hand — delivered by the gate's long poll. A command is
 * delivered until the gate acknowledges it, so none is lost to a dropped response; the gate runs
 * each id once (it acknowledges a re-delivered id it already ran without running it again).
 * Commands expire: a barrier must not lift minutes later for a car that has gone.
 */
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { newId } from '../../id.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { isUniqueViolation, type Database } from '../db/database.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import { appendEvent } from '../parking/events.repo.ts';
import { findGate, updateGate, type GateRow } from '../parking/lots.repo.ts';
import { findCaptureById } from './captures.repo.ts';
import { ackCommand, countPending, findCommand, insertCommand, markDelivered, pendingCommands, type CommandRow } from './commands.repo.ts';

/** A command is good for this long after it is issued. */
export const COMMAND_TTL_MS = 2 * 60_000;
/** A gate not heard from (capture, poll or heartbeat) for this long is offline. */
export const OFFLINE_AFTER_MS = 60_000;
/** The longest a long poll is held open. */
export const MAX_WAIT_SECONDS = 30;

export const commandInputSchema = z.strictObject({
	command: z.enum(['open', 'close']),
	reason: z.string().trim().min(3, 'Say why (it goes in the audit log).').max(500),
	/** the held capture this resolves, if any */
	captureId: z.string().min(1).max(64).optional()
});
export type CommandInput = z.output<typeof commandInputSchema>;

/** The query of the gate's long poll. */
export const pollQuerySchema = z.object({
	wait: z.coerce.number().int('whole seconds').min(0, `0 to ${MAX_WAIT_SECONDS} seconds`).max(MAX_WAIT_SECONDS, `0 to ${MAX_WAIT_SECONDS} seconds`).default(25)
});

export interface CommandView {
	id: string;
	command: 'open' | 'close';
	reason: string;
	capture_id: string | null;
	issued_at: number;
	expires_at: number;
}

const view = (c: CommandRow): CommandView => ({ id: c.id, command: c.command, reason: c.reason, capture_id: c.captureId, issued_at: c.issuedAt, expires_at: c.expiresAt });

// wakes this instance's long polls at once; other instances find the command on their next check
const issued = new EventEmitter();
issued.setMaxListeners(0);

/**
 * Issues a command to a gate, audited. A capture gets one command at most (a unique index).
 * @throws {AppError} 404 gate or capture, 422 a capture of another gate, 409 `already_resolved`
 */
export async function issueCommand(db: Database, gateId: string, input: CommandInput, actorUserId: string, now: number): Promise<CommandView> {
	const row = await db.transaction(async (x) => {
		const gate = await findGate(x, gateId);
		if (!gate) throw notFound('The gate');
		if (input.captureId) {
			const capture = await findCaptureById(x, input.captureId);
			if (!capture) throw notFound('The capture');
			if (capture.gateId !== gateId) throw new AppError(422, 'validation_failed', 'That capture was taken at another gate.', { captureId: 'a capture of this gate' });
		}
		const command: CommandRow = { id: newId(), gateId, command: input.command, reason: input.reason, captureId: input.captureId ?? null, issuedBy: actorUserId, issuedAt: now, expiresAt: now + COMMAND_TTL_MS, deliveredAt: null, ackedAt: null };
		await insertCommand(x, command);
		await recordAudit(x, { at: now, actorUserId, action: `gate.${input.command}`, entity: 'gate', entityId: gateId, details: { commandId: command.id, reason: input.reason, captureId: input.captureId ?? null } });
		await appendEvent(x, { lotId: gate.lotId, type: 'gate.command', payload: { gateId, commandId: command.id, command: input.command, captureId: input.captureId ?? null }, at: now });
		return command;
	}).catch((error: unknown) => {
		if (input.captureId && isUniqueViolation(error)) throw conflict('already_resolved', 'A command was issued for this capture already.');
		throw error;
	});
	issued.emit(gateId);
	return view(row);
}

/** Records that a gate was heard from. */
export async function touchGate(db: Database, gateId: string, now: number): Promise<void> {
	await db.run((x) => updateGate(x, gateId, { lastHeartbeatAt: now }));
}

/**
 * The gate's long poll: its pending commands as soon as there are any, or an empty list after
 * `waitSeconds`. Counts as a heartbeat.
 * @param signal ends the wait early (the gate hung up)
 */
export async function pollCommands(db: Database, gateId: string, waitSeconds: number, signal?: AbortSignal, now: () => number = Date.now, checkEveryMs = 1_000): Promise<CommandView[]> {
	const deadline = now() + Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000;
	await touchGate(db, gateId, now());
	for (;;) {
		const t = now();
		const pending = await db.run((x) => pendingCommands(x, gateId, t));
		if (pending.length) {
			await db.run((x) => markDelivered(x, pending.map((c) => c.id), t));
			return pending.map(view);
		}
		const left = deadline - t;
		if (left <= 0 || signal?.aborted) return [];
		await wake(gateId, Math.min(left, checkEveryMs), signal);
	}
}

function wake(gateId: string, ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			issued.off(gateId, done);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		issued.on(gateId, done);
		signal?.addEventListener('abort', done);
	});
}

/**
 * The gate acknowledges a command it ran. Acknowledging twice is fine.
 * @throws {AppError} 404 unknown command or another gate's
 */
export async function acknowledgeCommand(db: Database, gateId: string, commandId: string, now: number): Promise<void> {
	await db.transaction(async (x) => {
		const command = await findCommand(x, commandId);
		if (!command || command.gateId !== gateId) throw notFound('The command');
		await ackCommand(x, commandId, now);
		await updateGate(x, gateId, { lastHeartbeatAt: now });
	});
}

export interface GateStatus {
	gate_id: string;
	online: boolean;
	last_seen_at: number | null;
	pending_commands: number;
}

/** Whether a gate is online (heard from within a minute), and what waits for it. */
export async function gateStatus(db: Database, gateId: string, now: number): Promise<GateStatus> {
	return db.run(async (x) => {
		const gate = await findGate(x, gateId);
		if (!gate) throw notFound('The gate');
		return { gate_id: gate.id, online: isOnline(gate, now), last_seen_at: gate.lastHeartbeatAt, pending_commands: await countPending(x, gateId, now) };
	});
}

export const isOnline = (gate: Pick<GateRow, 'lastHeartbeatAt'>, now: number) => gate.lastHeartbeatAt !== null && now - gate.lastHeartbeatAt < OFFLINE_AFTER_MS;
