/** Permits (monthly pass, resident, staff) and the hotlist (plates to watch for). */
import { z } from 'zod';
import { newId } from '../../id.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import type { Database, Executor } from '../db/database.ts';
import { AppError, conflict, notFound } from '../http/errors.ts';
import {
	findHotlist,
	findPermit,
	hotlistOfPlate,
	insertHotlist,
	insertPermit,
	listHotlist,
	listPermits,
	permitsOfPlate,
	removeHotlist,
	revokePermit,
	type HotlistRow,
	type PermitRow
} from './permits.repo.ts';
import { describePhoneError, parseE164, phoneRegionOfLot } from '../../parking/sms/index.ts';
import { findLot } from './lots.repo.ts';
import { plateInputSchema } from './sessions.ts';

export type Permit = PermitRow;
export type HotlistEntry = HotlistRow;

export const permitInputSchema = z
	.strictObject({
		plate: plateInputSchema,
		kind: z.enum(['monthly', 'resident', 'staff']),
		lotIds: z.array(z.string().min(1).max(64)).min(1, 'name at least one lot').max(100),
		validFrom: z.int().min(0),
		validUntil: z.int().min(0),
		holderName: z.string().trim().max(100).optional(),
		/** E.164, or national in the first lot's country */
		phone: z.string().trim().min(1).max(40).optional()
	})
	.refine((p) => p.validUntil > p.validFrom, { path: ['validUntil'], message: 'must be after validFrom' });

export async function createPermit(db: Database, input: z.output<typeof permitInputSchema>, actorUserId: string, now: number): Promise<Permit> {
	return db.transaction(async (x) => {
		const permit = await permitRow(x, input, actorUserId, now);
		await insertPermit(x, permit);
		await recordAudit(x, { at: now, actorUserId, action: 'permit.create', entity: 'permit', entityId: permit.id, details: { plate: permit.plate, kind: permit.kind } });
		return permit;
	});
}

/** The permit to store; its phone read as E.164 (a national number with its first lot's country). @throws {AppError} 422 */
async function permitRow(x: Executor, input: z.output<typeof permitInputSchema>, actorUserId: string, now: number): Promise<Permit> {
	let phone: string | null = null;
	if (input.phone !== undefined) {
		const lot = await findLot(x, input.lotIds[0]!);
		const parsed = parseE164(input.phone, lot ? phoneRegionOfLot(lot.country) : undefined);
		if (!parsed.ok) throw new AppError(422, 'validation_failed', 'Some fields are missing or wrong.', { phone: describePhoneError(parsed.error) });
		phone = parsed.value;
	}
	return {
		id: newId(),
		plate: input.plate,
		kind: input.kind,
		lotIds: [...new Set(input.lotIds)],
		validFrom: input.validFrom,
		validUntil: input.validUntil,
		holderName: input.holderName ?? null,
		phone,
		createdBy: actorUserId,
		createdAt: now,
		revokedAt: null
	};
}

export async function permits(db: Database, plate: string | undefined, limit = 50, offset = 0): Promise<Permit[]> {
	return db.run((x) => listPermits(x, plate, limit, offset));
}

/** Permits of a plate that are valid now or later. */
export async function currentPermits(db: Database, plate: string, now: number): Promise<Permit[]> {
	return db.run((x) => permitsOfPlate(x, plate, now));
}

export async function cancelPermit(db: Database, id: string, actorUserId: string, now: number): Promise<void> {
	await db.transaction(async (x) => {
		const row = await findPermit(x, id);
		if (!row) throw notFound('The permit');
		if (row.revokedAt !== null) throw conflict('already_revoked', 'This permit is revoked already.');
		await revokePermit(x, id, now);
		await recordAudit(x, { at: now, actorUserId, action: 'permit.revoke', entity: 'permit', entityId: id });
	});
}

export const hotlistInputSchema = z.strictObject({
	plate: plateInputSchema,
	reason: z.string().trim().min(3, 'Say why the plate is wanted.').max(200),
	priority: z.enum(['low', 'medium', 'high']).default('medium'),
	expiresAt: z.int().min(0).nullable().default(null)
});

export async function addToHotlist(db: Database, input: z.output<typeof hotlistInputSchema>, actorUserId: string, now: number): Promise<HotlistEntry> {
	if (input.expiresAt !== null && input.expiresAt <= now) throw new AppError(422, 'validation_failed', 'The entry would be expired already.', { expiresAt: 'must be in the future' });
	const entry: HotlistEntry = { id: newId(), ...input, createdBy: actorUserId, createdAt: now, removedAt: null };
	await db.transaction(async (x) => {
		await insertHotlist(x, entry);
		await recordAudit(x, { at: now, actorUserId, action: 'hotlist.add', entity: 'hotlist', entityId: entry.id, details: { plate: entry.plate, reason: entry.reason } });
	});
	return entry;
}

export async function hotlistEntries(db: Database, now: number, limit = 50, offset = 0): Promise<HotlistEntry[]> {
	return db.run((x) => listHotlist(x, now, limit, offset));
}

export async function hotlistHits(db: Database, plate: string, now: number): Promise<HotlistEntry[]> {
	return db.run((x) => hotlistOfPlate(x, plate, now));
}

export async function removeFromHotlist(db: Database, id: string, actorUserId: string, now: number): Promise<void> {
	await db.transaction(async (x) => {
		const row = await findHotlist(x, id);
		if (!row || row.removedAt !== null) throw notFound('The hotlist entry');
		await removeHotlist(x, id, now);
		await recordAudit(x, { at: now, actorUserId, action: 'hotlist.remove', entity: 'hotlist', entityId: id });
	});
}
