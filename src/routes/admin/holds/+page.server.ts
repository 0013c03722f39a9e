import { z } from 'zod';
import { toMinorUnits } from '$lib/parking';
import { heldVehicles } from '$lib/server/gates/held';
import { resolveHold, resolveSchema } from '$lib/server/gates/holds';
import { formAction } from '$lib/server/http/forms';
import { lots } from '$lib/server/parking/lots';
import { paySession, plateInputSchema } from '$lib/server/parking/sessions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	held: await heldVehicles(locals.db, locals.images, Date.now()),
	lots: (await lots(locals.db)).map(({ id, name, timeZone, currency }) => ({ id, name, timeZone, currency }))
});

const id = z.string().min(1).max(64);
const empty = z.literal('').transform(() => undefined);
const rupees = z.string().transform((v, ctx) => {
	const r = toMinorUnits(v);
	if (!r.ok || r.value < 1) {
		ctx.addIssue({ code: 'custom', message: 'An amount in rupees, e.g. 120 or 120.50.' });
		return z.NEVER;
	}
	return r.value;
});

export const actions: Actions = {
	pay: ({ request, locals }) =>
		formAction(request, z.strictObject({ sessionId: id, amount: rupees, method: z.enum(['cash', 'upi', 'card']), reference: z.string().trim().max(100).optional() }), ['sessionId', 'amount', 'method', 'reference'], async (input) => {
			const { payment } = await paySession(locals.db, input.sessionId, { amountPaise: input.amount, method: input.method, reference: input.reference || undefined, at: Date.now() }, { userId: locals.user!.id });
			return { paid: payment.amountPaise, sessionId: input.sessionId };
		}),
	resolve: ({ request, locals }) =>
		formAction(request, resolveSchema.extend({ gateId: id, captureId: id, plate: plateInputSchema.optional().or(empty) }), ['gateId', 'captureId', 'plate', 'reason'], async ({ gateId, captureId, ...input }) => {
			const r = await resolveHold(locals.db, locals.parking, gateId, captureId, input, locals.user!.id, Date.now());
			return { opened: r.plate, captureId };
		})
};
