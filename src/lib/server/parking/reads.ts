/**
 * Camera reads that are not a plate at all (`K?01A#1234`, `****`): nothing can be opened or
 * closed with them, so each becomes an `unreadable-plate` anomaly for a person to look at.
 */
import { z } from 'zod';
import { normalisePlate } from '../../parking/index.ts';
import { newId } from '../../id.ts';
import type { Database } from '../db/database.ts';
import { AppError, notFound } from '../http/errors.ts';
import { raiseAnomaly } from './anomalies.ts';
import { findLot } from './lots.repo.ts';

/** Longest read text kept as evidence; a reader's garbage can be long. */
const MAX_READ_LENGTH = 100;

export const unreadableReadSchema = z.strictObject({
	lotId: z.string().min(1).max(64),
	read: z.string().max(MAX_READ_LENGTH, `at most ${MAX_READ_LENGTH} characters`),
	direction: z.enum(['entry', 'exit']),
	at: z.int().min(0),
	gateId: z.string().min(1).max(64).optional(),
	confidence: z.number().min(0).max(1).optional(),
	/** The gate's own id for the read: a retried upload of one read is recorded once. */
	readId: z.string().min(1).max(64).optional()
});
export type UnreadableRead = z.output<typeof unreadableReadSchema>;

/**
 * Records a read that is not plate text as an `unreadable-plate` anomaly, one per read (per
 * `readId` when given, so a retry does not count twice).
 * @throws {AppError} 404 lot, 422 `plate_readable` when the read is a plate after all (start or
 *   end a session with it instead)
 * @example await recordUnreadableRead(db, { lotId, read: 'KA?1AB#234', direction: 'entry', at })
 */
export async function recordUnreadableRead(db: Database, input: UnreadableRead): Promise<void> {
	if (normalisePlate(input.read).ok) {
		throw new AppError(422, 'plate_readable', 'This read is a plate: start or end a session with it instead.', { read: 'is plate text' });
	}
	await db.transaction(async (x) => {
		const lot = await findLot(x, input.lotId);
		if (!lot) throw notFound('The lot');
		await raiseAnomaly(x, {
			key: { kind: 'unreadable-plate', lotId: lot.id, eventId: input.readId ?? newId() },
			lotId: lot.id,
			plate: null,
			evidence: { read: input.read, direction: input.direction, confidence: input.confidence ?? null, gateId: input.gateId ?? null },
			at: input.at
		});
	});
}
