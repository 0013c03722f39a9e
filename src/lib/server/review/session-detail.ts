/** One session with everything staff check on it: photos and reads at entry and exit, payments, audit trail. */
import { auditEntries, type AuditEntryView } from '../audit/audit-log.ts';
import type { Database } from '../db/database.ts';
import { IMAGE_LINK_SECONDS } from '../gates/captures.ts';
import { notFound } from '../http/errors.ts';
import { findLot, type LotRow } from '../parking/lots.repo.ts';
import { findSession, listPayments, type PaymentRow, type SessionRow } from '../parking/sessions.repo.ts';
import type { ImageStore } from '../storage/storage.ts';
import { captureTakenAt } from './review.repo.ts';

export interface SessionDetail {
	session: SessionRow;
	lot: Pick<LotRow, 'id' | 'name' | 'timeZone' | 'currency'>;
	payments: PaymentRow[];
	entry: { imageUrl: string | null; read: string | null; confidence: number | null };
	exit: { imageUrl: string | null; read: string | null; confidence: number | null } | null;
	audit: AuditEntryView[];
}

/** @throws {AppError} 404 */
export async function sessionDetail(db: Database, images: ImageStore, id: string): Promise<SessionDetail> {
	const found = await db.run(async (x) => {
		const session = await findSession(x, id);
		if (!session) throw notFound('The session');
		const lot = (await findLot(x, session.lotId))!;
		const payments = await listPayments(x, [id]);
		const entryCapture = session.entryGateId ? await captureTakenAt(x, session.entryGateId, session.entryAt) : undefined;
		const exitCapture = session.exitGateId && session.exitAt !== null ? await captureTakenAt(x, session.exitGateId, session.exitAt) : undefined;
		return { session, lot, payments, entryCapture, exitCapture };
	});
	const link = (key: string | null | undefined) => (key ? images.presignGet(key, IMAGE_LINK_SECONDS) : Promise.resolve(null));
	const { session, lot, payments, entryCapture, exitCapture } = found;
	return {
		session,
		lot: { id: lot.id, name: lot.name, timeZone: lot.timeZone, currency: lot.currency },
		payments,
		entry: { imageUrl: await link(entryCapture?.imageKey), read: entryCapture?.plate ?? session.plate, confidence: entryCapture?.confidence ?? session.entryConfidence },
		exit: session.exitAt === null ? null : { imageUrl: await link(exitCapture?.imageKey), read: session.exitPlateRead ?? exitCapture?.plate ?? null, confidence: exitCapture?.confidence ?? null },
		audit: await auditEntries(db, { entity: 'parking_session', entityId: id }, 50)
	};
}
