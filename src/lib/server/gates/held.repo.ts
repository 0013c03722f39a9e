import { and, desc, eq, gte, notExists } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import type { CaptureRow } from './captures.repo.ts';

/** A lot's held captures received since `since` that no command resolved yet, newest first. */
export async function unresolvedHolds(x: Executor, lotId: string, since: number, limit: number): Promise<CaptureRow[]> {
	const t = x.t.gateCaptures;
	const c = x.t.gateCommands;
	return x.q
		.select()
		.from(t)
		.where(and(eq(t.lotId, lotId), gte(t.receivedAt, since), eq(t.status, 'done'), eq(t.decision, 'hold'), notExists(x.q.select({ id: c.id }).from(c).where(eq(c.captureId, t.id)))))
		.orderBy(desc(t.receivedAt), desc(t.id))
		.limit(limit);
}

/** A gate's latest decided capture. */
export async function lastCapture(x: Executor, gateId: string): Promise<CaptureRow | undefined> {
	const t = x.t.gateCaptures;
	return (await x.q.select().from(t).where(and(eq(t.gateId, gateId), eq(t.status, 'done'))).orderBy(desc(t.receivedAt), desc(t.id)).limit(1))[0];
}
