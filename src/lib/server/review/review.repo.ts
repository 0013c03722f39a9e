import { and, desc, eq, gte, lte } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import type { CaptureRow } from '../gates/captures.repo.ts';

/** The capture a gate took at instant `capturedAt` (received within a day after it, as captures are). */
export async function captureTakenAt(x: Executor, gateId: string, capturedAt: number): Promise<CaptureRow | undefined> {
	const t = x.t.gateCaptures;
	return (
		await x.q
			.select()
			.from(t)
			.where(and(eq(t.gateId, gateId), gte(t.receivedAt, capturedAt), lte(t.receivedAt, capturedAt + 25 * 3_600_000), eq(t.capturedAt, capturedAt)))
			.orderBy(desc(t.receivedAt))
			.limit(1)
	)[0];
}

/** A capture by id. */
export async function captureById(x: Executor, id: string): Promise<CaptureRow | undefined> {
	return (await x.q.select().from(x.t.gateCaptures).where(eq(x.t.gateCaptures.id, id)).limit(1))[0];
}
