/**
 * The original system's JSON shapes, kept for its clients: snake_case fields, amounts in rupees
 * (major units), one default lot.
 */
import { z } from 'zod';
import { fromMinorUnits } from '../../parking/index.ts';
import type { AnomalyRow } from './anomalies.repo.ts';
import type { SessionRow } from './sessions.repo.ts';
import { plateInputSchema } from './sessions.ts';

export const legacyStartSchema = z.object({ plate: plateInputSchema });
export const legacyEndSchema = z.object({ session_id: z.string().min(1).max(64) });

/** Amount in major units as a JSON number (₹120.5 → 120.5), as the original answered. */
export const rupees = (paise: number | null, currency = 'INR') => (paise === null ? null : Number(fromMinorUnits(paise, currency)));

export function legacySession(s: SessionRow, currency = 'INR') {
	return {
		session_id: s.id,
		plate: s.plate,
		status: s.status,
		start_time: new Date(s.entryAt).toISOString(),
		end_time: s.exitAt === null ? null : new Date(s.exitAt).toISOString(),
		amount: rupees(s.feePaise, currency)
	};
}

export function legacyAnomaly(a: AnomalyRow) {
	return {
		id: a.id,
		type: a.kind,
		plate: a.plate,
		session_id: a.sessionId ?? a.relatedSessionId,
		status: a.status,
		detected_at: new Date(a.detectedAt).toISOString(),
		details: a.evidence
	};
}
