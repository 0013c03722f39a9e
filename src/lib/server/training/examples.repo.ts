import { and, desc, eq, gte, isNotNull, lt } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export interface ResolvedCaptureRow {
	captureId: string;
	lotId: string;
	imageKey: string | null;
	plate: string | null;
	answer: Record<string, unknown> | null;
	receivedAt: number;
}

/** Captures a person let through (an open command they issued), with a photo, received in `[from, until)`. */
export async function resolvedCaptures(x: Executor, from: number, until: number, limit: number): Promise<ResolvedCaptureRow[]> {
	const c = x.t.gateCaptures;
	const m = x.t.gateCommands;
	return x.q
		.select({ captureId: c.id, lotId: c.lotId, imageKey: c.imageKey, plate: c.plate, answer: c.answer, receivedAt: c.receivedAt })
		.from(m)
		.innerJoin(c, eq(c.id, m.captureId))
		.where(and(isNotNull(m.issuedBy), gte(m.issuedAt, from), lt(m.issuedAt, until), isNotNull(c.imageKey), isNotNull(c.plate)))
		.orderBy(desc(m.issuedAt))
		.limit(limit);
}

/** Audit entries of anomaly merges (a person said which plate an exit photo shows) in `[from, until)`. */
export async function mergeEntries(x: Executor, from: number, until: number, limit: number) {
	const a = x.t.auditLog;
	return x.q
		.select({ anomalyId: a.entityId, details: a.details, at: a.at })
		.from(a)
		.where(and(eq(a.action, 'anomaly.merge'), gte(a.at, from), lt(a.at, until)))
		.orderBy(desc(a.at))
		.limit(limit);
}
