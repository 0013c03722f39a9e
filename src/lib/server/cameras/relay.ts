/**
 * The camera relay: a gate's ESP32-CAM MJPEG stream, fetched by the server and passed on to the
 * signed-in tablet, so an https app never loads http camera content and CORS never hides the
 * pixels from its canvas. Only whole JPEG parts are passed on (re-framed in the ESP32's own wire
 * format): a corrupt or oversized part is dropped, and a camera that sends no frame for
 * `idleMs` ends the relay so the tablet says so and reconnects.
 */
import { boundaryOf, encodePart, ESP32_BOUNDARY, MjpegParser } from '../../cameras/mjpeg.ts';
import type { Database } from '../db/database.ts';
import { AppError, notFound } from '../http/errors.ts';
import { log } from '../log.ts';
import { findGate } from '../parking/lots.repo.ts';
import { requireLot, type LotCaller } from '../patrol/lots-access.ts';

export interface RelayOptions {
	/** time to the camera's response headers (default 5 s) */
	connectMs?: number;
	/** a stream with no whole frame for this long is ended (default 10 s) */
	idleMs?: number;
	fetch?: typeof fetch;
}

/**
 * Opens the relay of a gate's camera for a caller who works in the gate's lot.
 * @param signal the client's request signal: the camera connection is closed with it
 * @throws {AppError} 404 gate / `no_camera`, 403 `lot_forbidden`, 502 `camera_unreachable`,
 *   `camera_bad_stream`
 */
export async function relayCamera(db: Database, user: LotCaller, gateId: string, signal: AbortSignal, options: RelayOptions = {}): Promise<Response> {
	const gate = await db.run(async (x) => {
		const g = await findGate(x, gateId);
		if (!g) throw notFound('The camera');
		await requireLot(x, user, g.lotId);
		return g;
	});
	if (!gate.cameraUrl) throw new AppError(404, 'no_camera', 'This gate has no camera stream set.');
	const upstreamAbort = new AbortController();
	const onClientGone = () => upstreamAbort.abort();
	signal.addEventListener('abort', onClientGone, { once: true });
	const connectTimer = setTimeout(() => upstreamAbort.abort(), options.connectMs ?? 5_000);
	let upstream: Response;
	try {
		upstream = await (options.fetch ?? fetch)(gate.cameraUrl, { signal: upstreamAbort.signal, headers: { accept: 'multipart/x-mixed-replace, image/jpeg' } });
	} catch (error) {
		signal.removeEventListener('abort', onClientGone);
		throw new AppError(502, 'camera_unreachable', `The camera did not answer (${(error as Error)?.name === 'AbortError' ? 'timed out' : 'connection failed'}).`);
	} finally {
		clearTimeout(connectTimer);
	}
	const boundary = boundaryOf(upstream.headers.get('content-type'));
	if (!upstream.ok || boundary === null || upstream.body === null) {
		upstreamAbort.abort();
		signal.removeEventListener('abort', onClientGone);
		throw new AppError(502, 'camera_bad_stream', `The camera answered ${upstream.status} ${upstream.headers.get('content-type') ?? ''}, not an MJPEG stream.`);
	}
	const parser = new MjpegParser(boundary);
	const reader = upstream.body.getReader();
	const idleMs = options.idleMs ?? 10_000;
	let idle: ReturnType<typeof setTimeout> | undefined;
	let bad = 0;
	const stop = () => {
		clearTimeout(idle);
		signal.removeEventListener('abort', onClientGone);
		upstreamAbort.abort();
	};
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const arm = () => {
				clearTimeout(idle);
				idle = setTimeout(() => {
					log('info', 'camera stream stalled', { gate_id: gateId, idle_ms: idleMs });
					stop();
					try {
						controller.close();
					} catch {
						/* closed already */
					}
				}, idleMs);
			};
			arm();
			(async () => {
				try {
					for (;;) {
						const { done, value } = await reader.read();
						if (done) break;
						for (const event of parser.push(value)) {
							if (event.type === 'frame') {
								controller.enqueue(encodePart(event.jpeg));
								arm();
							} else if (bad++ % 100 === 0) {
								log('warn', 'camera sent a bad part', { gate_id: gateId, reason: event.reason, bad });
							}
						}
					}
					stop();
					controller.close();
				} catch {
					// the client left, the idle timer fired, or the camera dropped: end quietly
					stop();
					try {
						controller.close();
					} catch {
						/* closed already */
					}
				}
			})();
		},
		cancel() {
			stop();
		}
	});
	return new Response(body, {
		headers: {
			'content-type': `multipart/x-mixed-replace;boundary=${ESP32_BOUNDARY}`,
			'cache-control': 'no-store',
			'x-accel-buffering': 'no'
		}
	});
}
