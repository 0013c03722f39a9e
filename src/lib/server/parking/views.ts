/**
 * What the JSON API shows of parking rows, and the schemas documenting it in OpenAPI.
 * Internal columns (the active-session key) stay inside.
 */
import { z } from 'zod';
import type { AnomalyRow } from './anomalies.repo.ts';
import type { GateRow, LotRow } from './lots.repo.ts';
import type { HotlistRow, PermitRow } from './permits.repo.ts';
import type { PaymentRow, SessionRow } from './sessions.repo.ts';

const ms = z.int().describe('UTC epoch milliseconds');
const paise = z.int().describe('integer minor units (paise)');

export const sessionViewSchema = z.object({
	id: z.string(),
	lotId: z.string(),
	plate: z.string(),
	vehicleClass: z.string(),
	status: z.enum(['active', 'completed', 'voided']),
	entryAt: ms,
	exitAt: ms.nullable(),
	entryGateId: z.string().nullable(),
	exitGateId: z.string().nullable(),
	entryConfidence: z.number().nullable(),
	exitPlateRead: z.string().nullable(),
	feePaise: paise.nullable(),
	paidPaise: paise,
	duePaise: paise.nullable().describe('fee minus payments; null while the session is active'),
	permitId: z.string().nullable(),
	tariffSnapshot: z.record(z.string(), z.unknown()).nullable()
});

export function sessionView(s: SessionRow): z.infer<typeof sessionViewSchema> {
	return {
		id: s.id,
		lotId: s.lotId,
		plate: s.plate,
		vehicleClass: s.vehicleClass,
		status: s.status,
		entryAt: s.entryAt,
		exitAt: s.exitAt,
		entryGateId: s.entryGateId,
		exitGateId: s.exitGateId,
		entryConfidence: s.entryConfidence,
		exitPlateRead: s.exitPlateRead,
		feePaise: s.feePaise,
		paidPaise: s.paidPaise,
		duePaise: s.feePaise === null ? null : Math.max(0, s.feePaise - s.paidPaise),
		permitId: s.permitId,
		tariffSnapshot: s.tariffSnapshot
	};
}

export const lotViewSchema = z.object({
	id: z.string(),
	name: z.string(),
	country: z.string(),
	timeZone: z.string(),
	currency: z.string(),
	capacity: z.record(z.string(), z.int()),
	longStayMinutes: z.int(),
	imageRetentionDays: z.int(),
	createdAt: ms
});
export const lotView = (l: LotRow): z.infer<typeof lotViewSchema> => ({ ...l });

export const gateViewSchema = z.object({
	id: z.string(),
	lotId: z.string(),
	name: z.string(),
	direction: z.enum(['entry', 'exit', 'both']),
	cameraUrl: z.string().nullable(),
	deviceKeyId: z.string().nullable(),
	lastHeartbeatAt: ms.nullable(),
	createdAt: ms
});
export const gateView = (g: GateRow): z.infer<typeof gateViewSchema> => ({ ...g });

export const paymentViewSchema = z.object({
	id: z.string(),
	sessionId: z.string(),
	lotId: z.string(),
	amountPaise: paise,
	method: z.enum(['cash', 'upi', 'card']),
	reference: z.string().nullable(),
	receivedBy: z.string().nullable(),
	at: ms
});
export const paymentView = (p: PaymentRow): z.infer<typeof paymentViewSchema> => ({ ...p });

export const permitViewSchema = z.object({
	id: z.string(),
	plate: z.string(),
	kind: z.enum(['monthly', 'resident', 'staff']),
	lotIds: z.array(z.string()),
	validFrom: ms,
	validUntil: ms,
	holderName: z.string().nullable(),
	phone: z.string().nullable(),
	createdAt: ms,
	revokedAt: ms.nullable()
});
export const permitView = ({ createdBy: _c, ...p }: PermitRow): z.infer<typeof permitViewSchema> => p;

export const hotlistViewSchema = z.object({
	id: z.string(),
	plate: z.string(),
	reason: z.string(),
	priority: z.enum(['low', 'medium', 'high']),
	expiresAt: ms.nullable(),
	createdAt: ms
});
export const hotlistView = (h: HotlistRow): z.infer<typeof hotlistViewSchema> => ({
	id: h.id,
	plate: h.plate,
	reason: h.reason,
	priority: h.priority,
	expiresAt: h.expiresAt,
	createdAt: h.createdAt
});

export const anomalyViewSchema = z.object({
	id: z.string(),
	lotId: z.string(),
	kind: z.string(),
	plate: z.string().nullable(),
	sessionId: z.string().nullable(),
	relatedSessionId: z.string().nullable(),
	evidence: z.record(z.string(), z.unknown()),
	occurrences: z.int(),
	status: z.enum(['open', 'acknowledged', 'resolved']),
	note: z.string().nullable(),
	detectedAt: ms,
	lastSeenAt: ms,
	reviewedBy: z.string().nullable(),
	reviewedAt: ms.nullable()
});
export const anomalyView = ({ dedupKey: _k, ...a }: AnomalyRow): z.infer<typeof anomalyViewSchema> => a;
