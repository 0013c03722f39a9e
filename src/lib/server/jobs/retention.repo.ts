/**
 * The retention job's queries: which images are past keeping and not still needed, and the
 * erasure of personal data that outlived its use. Both engines; one query each, so a run's cost
 * doesn't grow with the rows it keeps.
 */
import { and, asc, eq, exists, gte, inArray, isNotNull, isNull, lt, ne, notExists, or, sql, type Column, type SQL } from 'drizzle-orm';
import { affectedRows, type Executor } from '../db/database.ts';

/** Anomalies still being dealt with: their evidence is kept. */
const UNSETTLED_ANOMALY = ['open', 'acknowledged'] as const;

/** A text field of a JSON column (`evidence.captureId`), on either engine. */
function jsonText(x: Executor, column: Column, field: string): SQL {
	return x.engine === 'sqlite' ? sql`json_extract(${column}, ${`$.${field}`})` : sql`JSON_UNQUOTE(JSON_EXTRACT(${column}, ${`$.${field}`}))`;
}

/** A session whose record still matters: the car is inside, or its fee isn't paid in full. */
function sessionOpen(x: Executor, sessionId: Column): SQL {
	const s = x.t.parkingSessions;
	return exists(
		x.q
			.select({ one: sql`1` })
			.from(s)
			.where(and(eq(s.id, sessionId), or(eq(s.status, 'active'), and(eq(s.status, 'completed'), sql`coalesce(${s.feePaise}, 0) > ${s.paidPaise}`))))
	);
}

/** An unsettled anomaly about this session. */
function anomalyOnSession(x: Executor, sessionId: Column): SQL {
	const a = x.t.anomalies;
	return exists(
		x.q
			.select({ one: sql`1` })
			.from(a)
			.where(and(inArray(a.status, [...UNSETTLED_ANOMALY]), or(eq(a.sessionId, sessionId), eq(a.relatedSessionId, sessionId))))
	);
}

/**
 * Captures of `lotId` received before `before` whose image may go: none of a held car nobody has
 * let through yet, of a session still open or unpaid, or named by an unsettled anomaly.
 */
export async function expiredCaptureImages(x: Executor, lotId: string, before: number, limit: number): Promise<Array<{ id: string; imageKey: string }>> {
	const c = x.t.gateCaptures;
	const a = x.t.anomalies;
	const cmd = x.t.gateCommands;
	const unresolvedHold = and(eq(c.decision, 'hold'), notExists(x.q.select({ one: sql`1` }).from(cmd).where(eq(cmd.captureId, c.id))));
	const namedByAnomaly = exists(
		x.q
			.select({ one: sql`1` })
			.from(a)
			.where(and(eq(a.lotId, c.lotId), inArray(a.status, [...UNSETTLED_ANOMALY]), or(sql`${jsonText(x, a.evidence, 'captureId')} = ${c.id}`, and(isNotNull(c.sessionId), or(eq(a.sessionId, c.sessionId), eq(a.relatedSessionId, c.sessionId))))))
	);
	const rows = await x.q
		.select({ id: c.id, imageKey: c.imageKey })
		.from(c)
		.where(
			and(
				eq(c.lotId, lotId),
				lt(c.receivedAt, before),
				isNotNull(c.imageKey),
				sql`not (${unresolvedHold})`,
				or(isNull(c.sessionId), sql`not ${sessionOpen(x, c.sessionId)}`),
				sql`not ${namedByAnomaly}`
			)
		)
		.orderBy(asc(c.receivedAt), asc(c.id))
		.limit(limit);
	return rows.map((r) => ({ id: r.id, imageKey: r.imageKey! }));
}

/** Forgets a capture's image key once the image is deleted (the row, its decision and plate stay). */
export async function clearCaptureImage(x: Executor, id: string, now: number): Promise<void> {
	const c = x.t.gateCaptures;
	await x.q.update(c).set({ imageKey: null, updatedAt: now }).where(eq(c.id, id));
}

/**
 * The evidence photos of `lotId` that must be kept past retention: those of patrol actions on a
 * session still open or unpaid or with an unsettled anomaly, and any an unsettled anomaly names.
 */
export async function protectedEvidenceKeys(x: Executor, lotId: string): Promise<Set<string>> {
	const p = x.t.patrolActions;
	const a = x.t.anomalies;
	const fromActions = await x.q
		.select({ key: p.evidenceKey })
		.from(p)
		.where(and(eq(p.lotId, lotId), isNotNull(p.evidenceKey), isNotNull(p.sessionId), or(sessionOpen(x, p.sessionId), anomalyOnSession(x, p.sessionId))));
	const named = jsonText(x, a.evidence, 'imageKey');
	const fromAnomalies = await x.q
		.select({ key: sql<string | null>`${named}` })
		.from(a)
		.where(and(eq(a.lotId, lotId), inArray(a.status, [...UNSETTLED_ANOMALY]), sql`${named} like 'evidence/%'`));
	return new Set([...fromActions, ...fromAnomalies].map((r) => r.key).filter((k): k is string => typeof k === 'string'));
}

// --- personal data ---------------------------------------------------------------------------

/** Activity of a plate at or after `since`: a stay then, a car inside, a fee unpaid, or a permit running. */
function plateActive(x: Executor, plate: Column, since: number): SQL {
	const s = x.t.parkingSessions;
	const p = x.t.permits;
	return or(
		exists(
			x.q
				.select({ one: sql`1` })
				.from(s)
				.where(and(eq(s.plate, plate), or(gte(s.entryAt, since), gte(s.exitAt, since), eq(s.status, 'active'), and(eq(s.status, 'completed'), sql`coalesce(${s.feePaise}, 0) > ${s.paidPaise}`))))
		),
		exists(x.q.select({ one: sql`1` }).from(p).where(and(eq(p.plate, plate), isNull(p.revokedAt), gte(p.validUntil, since))))
	)!;
}

export interface ErasedCounts {
	/** driver accounts whose phone number was erased */
	driverPhones: number;
	/** vehicles whose contact number was erased */
	vehiclePhones: number;
	/** ended permits whose holder's name and number were erased */
	permits: number;
	/** SMS whose number and text were erased */
	messages: number;
}

/**
 * Erases the phone numbers of drivers inactive since `cutoff`: no sign-in still valid then, and no
 * stay, unpaid fee or running permit of a vehicle they own.
 */
export async function eraseDriverPhones(x: Executor, cutoff: number): Promise<number> {
	const u = x.t.users;
	const as = x.t.authSessions;
	const v = x.t.vehicles;
	const result = await x.q
		.update(u)
		.set({ phone: null })
		.where(
			and(
				eq(u.role, 'driver'),
				isNotNull(u.phone),
				lt(u.createdAt, cutoff),
				notExists(x.q.select({ one: sql`1` }).from(as).where(and(eq(as.userId, u.id), gte(as.expiresAt, cutoff)))),
				notExists(x.q.select({ one: sql`1` }).from(v).where(and(eq(v.ownerUserId, u.id), plateActive(x, v.plate, cutoff))))
			)
		);
	return affectedRows(result);
}

/** Erases the contact numbers of vehicles given before `cutoff` and not seen since. */
export async function eraseVehiclePhones(x: Executor, cutoff: number, now: number): Promise<number> {
	const v = x.t.vehicles;
	const result = await x.q
		.update(v)
		.set({ phone: null, updatedAt: now })
		.where(and(isNotNull(v.phone), lt(v.updatedAt, cutoff), sql`not ${plateActive(x, v.plate, cutoff)}`));
	return affectedRows(result);
}

/** Erases the holder's name and number of permits that ended (expired or revoked) before `cutoff`. */
export async function erasePermitHolders(x: Executor, cutoff: number): Promise<number> {
	const p = x.t.permits;
	const result = await x.q
		.update(p)
		.set({ phone: null, holderName: null })
		.where(and(or(isNotNull(p.phone), isNotNull(p.holderName)), or(lt(p.validUntil, cutoff), lt(p.revokedAt, cutoff))));
	return affectedRows(result);
}

/**
 * Erases the number and text of SMS made before `cutoff` (kind, status, times and segments stay
 * for the counts); one still waiting that long is cancelled.
 */
export async function eraseOldMessages(x: Executor, cutoff: number, now: number): Promise<number> {
	const o = x.t.smsOutbox;
	await x.q
		.update(o)
		.set({ status: 'cancelled', holdReason: 'erased after the retention period', claimedBy: null, claimUntil: null, updatedAt: now })
		.where(and(lt(o.createdAt, cutoff), inArray(o.status, ['pending', 'sending'])));
	const result = await x.q
		.update(o)
		.set({ toPhone: '', body: '', updatedAt: now })
		.where(and(lt(o.createdAt, cutoff), or(ne(o.toPhone, ''), ne(o.body, ''))));
	return affectedRows(result);
}
