import { z } from 'zod';
import { endpoint, parseWith } from '$lib/server/http/api';
import { readImageBody } from '$lib/server/http/body';
import { captureReader } from '$lib/server/gates';
import { captureView, gateAndLotOfDevice, handleCapture, MAX_CAPTURE_BYTES } from '$lib/server/gates/captures';
import { captureListQuery, gateCaptures } from '$lib/server/gates/holds';
import type { RequestHandler } from './$types';

const headersSchema = z.object({
	'idempotency-key': z.string({ error: "the gate's capture id (1–100 letters, digits, . _ : -)" }).regex(/^[\w.:-]{1,100}$/, "the gate's capture id (1–100 letters, digits, . _ : -)"),
	'x-capture-time': z
		.string({ error: 'the capture time: ISO 8601 or epoch milliseconds' })
		.transform((v, ctx) => {
			const ms = /^\d{10,15}$/.test(v) ? Number(v) : /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : NaN;
			if (Number.isNaN(ms)) {
				ctx.addIssue({ code: 'custom', message: 'the capture time: ISO 8601 or epoch milliseconds' });
				return z.NEVER;
			}
			return ms;
		})
});

/**
 * A gate posts a photo (`image/jpeg`, or multipart with an `image` part) and learns whether to lift
 * the barrier. `Idempotency-Key` (its capture id) makes retries safe, and is echoed in the answer's
 * headers; `X-Capture-Time` says when.
 */
export const POST: RequestHandler = endpoint(async ({ params, request, locals }) => {
	const headers = parseWith(headersSchema, { 'idempotency-key': request.headers.get('idempotency-key') ?? undefined, 'x-capture-time': request.headers.get('x-capture-time') ?? undefined });
	// who is asking before reading what they sent
	const checked = await gateAndLotOfDevice(locals.db, params.id, locals.device!.id);
	const image = await readImageBody(request, MAX_CAPTURE_BYTES);
	const { answer, replayed } = await handleCapture(
		{ db: locals.db, images: locals.images, reader: captureReader(locals.config.lprWorkers), settings: locals.parking },
		{ gateId: params.id, deviceId: locals.device!.id, idempotencyKey: headers['idempotency-key'], capturedAt: headers['x-capture-time'], image, checked }
	);
	// the key echoed back: a gate acts only on an answer for the capture it sent (firmware/)
	const echo = { 'idempotency-key': headers['idempotency-key'] };
	return Response.json(answer, { headers: replayed ? { ...echo, 'idempotent-replayed': 'true' } : echo });
});

/** Staff: a gate's recent captures, newest first (`?decision=hold&unresolved=true`: cars waiting for a person). */
export const GET: RequestHandler = endpoint(async ({ params, url, locals }) => {
	const q = parseWith(captureListQuery, Object.fromEntries(url.searchParams));
	const rows = await gateCaptures(locals.db, params.id, { decision: q.decision, unresolved: q.unresolved }, q.limit);
	return Response.json({ items: await Promise.all(rows.map((r) => captureView(locals.db, locals.images, params.id, r.id))) });
});
