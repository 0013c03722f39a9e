import { z } from 'zod';
import { VEHICLE_CLASSES } from '$lib/parking';
import { deviceKeys } from '$lib/server/auth/device-keys';
import { formAction } from '$lib/server/http/forms';
import { gateBoard } from '$lib/server/gates/held';
import { parseWith } from '$lib/server/http/api';
import { changeGate, changeLot, createGate, createLot, gates, lotInputSchema, lotPatchSchema, lots } from '$lib/server/parking/lots';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const now = Date.now();
	const [allLots, allGates, keys, board] = await Promise.all([lots(locals.db), gates(locals.db), deviceKeys(locals.db), gateBoard(locals.db, locals.images, now)]);
	const online = new Map(board.map((g) => [g.id, g.online]));
	return {
		lots: allLots,
		gates: allGates.map((g) => ({ ...g, online: online.get(g.id) ?? false })),
		keys: keys.filter((k) => k.revokedAt === null).map(({ id, name, keyPrefix }) => ({ id, name, keyPrefix })),
		classes: [...VEHICLE_CLASSES],
		settings: { ocrConfidenceThreshold: locals.parking.ocrConfidenceThreshold, gracePeriodMinutes: locals.parking.gracePeriodMinutes, baseRatePerHourPaise: locals.parking.baseRatePerHourPaise }
	};
};

const id = z.string().min(1).max(64);
const int = (min: number, max: number) => z.coerce.number({ error: `a whole number from ${min} to ${max}` }).int().min(min).max(max);
const capacityKeys = VEHICLE_CLASSES.map((c) => `cap_${c}`);
const lotForm = z
	.object({
		name: z.string().trim().min(1, 'Give the lot a name.').max(100),
		timeZone: z.string().trim().min(1).max(64),
		longStayMinutes: int(1, 527_040),
		imageRetentionDays: int(1, 3650),
		...Object.fromEntries(capacityKeys.map((k) => [k, z.union([z.literal('').transform(() => undefined), int(0, 100_000)]).optional()]))
	})
	.transform((f) => {
		const v = f as Record<string, unknown>;
		const capacity = Object.fromEntries(VEHICLE_CLASSES.flatMap((c) => (typeof v[`cap_${c}`] === 'number' ? [[c, v[`cap_${c}`] as number]] : [])));
		return { name: f.name, timeZone: f.timeZone, longStayMinutes: f.longStayMinutes, imageRetentionDays: f.imageRetentionDays, capacity };
	});
const lotKeys = ['name', 'timeZone', 'longStayMinutes', 'imageRetentionDays', ...capacityKeys];
const emptyNull = z.literal('').transform(() => null);
const gateForm = z.object({
	name: z.string().trim().min(1, 'Give the gate a name.').max(100),
	direction: z.enum(['entry', 'exit', 'both']),
	cameraUrl: z.url({ protocol: /^https?$/, message: 'an http(s) URL of the camera stream' }).max(500).or(emptyNull),
	deviceKeyId: id.or(emptyNull)
});
const gateKeys = ['name', 'direction', 'cameraUrl', 'deviceKeyId'];

export const actions: Actions = {
	createLot: ({ request, locals }) =>
		formAction(request, lotForm, lotKeys, async (input) => {
			const lot = await createLot(locals.db, parseWith(lotInputSchema, input), locals.user!.id, Date.now());
			return { saved: `Lot ${lot.name} created.` };
		}),
	saveLot: ({ request, locals }) =>
		formAction(request, z.intersection(lotForm, z.object({ lotId: id })), ['lotId', ...lotKeys], async ({ lotId, ...patch }) => {
			const lot = await changeLot(locals.db, lotId, parseWith(lotPatchSchema, patch), locals.user!.id, Date.now());
			return { saved: `${lot.name} saved.` };
		}),
	createGate: ({ request, locals }) =>
		formAction(request, gateForm.extend({ lotId: id }), ['lotId', ...gateKeys], async ({ lotId, ...input }) => {
			const gate = await createGate(locals.db, lotId, input, locals.user!.id, Date.now());
			return { saved: `Gate ${gate.name} added.` };
		}),
	saveGate: ({ request, locals }) =>
		formAction(request, gateForm.extend({ gateId: id }), ['gateId', ...gateKeys], async ({ gateId, ...patch }) => {
			const gate = await changeGate(locals.db, gateId, patch, locals.user!.id, Date.now());
			return { saved: `Gate ${gate.name} saved.` };
		})
};
