/** Query-string schemas of the parking API (request bodies live beside their services). */
import { z } from 'zod';
import { ANOMALY_KINDS } from '../../parking/index.ts';
import { pageSchema } from '../http/query.ts';
import { plateInputSchema } from './sessions.ts';

const ms = z.coerce.number({ error: 'UTC epoch milliseconds' }).int().min(0);

export const sessionListQuery = pageSchema.extend({
	lotId: z.string().min(1).max(64).optional(),
	plate: plateInputSchema.optional(),
	status: z.enum(['active', 'completed', 'voided']).optional(),
	from: ms.optional().describe('entries at or after (epoch ms)'),
	until: ms.optional().describe('entries before (epoch ms)')
}).strict();

export const anomalyListQuery = pageSchema.extend({
	lotId: z.string().min(1).max(64).optional(),
	kind: z.enum(ANOMALY_KINDS).optional(),
	status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
	plate: plateInputSchema.optional()
}).strict();

export const permitListQuery = pageSchema.extend({ plate: plateInputSchema.optional() }).strict();
export const hotlistListQuery = pageSchema.strict();
export const eventsQuery = z.strictObject({ lotId: z.string().min(1).max(64).optional() });

export const exitByPlateSchema = z.strictObject({
	lotId: z.string().min(1).max(64),
	plate: plateInputSchema,
	at: z.int().min(0).optional(),
	gateId: z.string().min(1).max(64).optional(),
	confidence: z.number().min(0).max(1).optional()
});
