import type { EventHub, LiveEvent } from './event-hub.ts';

const HEARTBEAT_MS = 15_000;

/** The `Last-Event-ID` a reconnecting client sends, when it is one of ours (a sequence number). */
export function lastEventId(request: Request): number | null {
	const id = request.headers.get('last-event-id')?.trim() ?? '';
	return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

/**
 * A Server-Sent Events response carrying the hub's events until the client goes away. A comment
 * line every 15 s keeps proxies from closing an idle stream. Each event's `id` is its sequence
 * number: a browser reconnecting (to this instance or another) sends the last as `Last-Event-ID`,
 * given here as `after`, and gets what it missed first.
 */
export function eventStream(hub: EventHub, lotId: string | null, signal: AbortSignal, after: number | null = null): Response {
	const encoder = new TextEncoder();
	let stop = () => {};
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (text: string) => {
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					stop();
				}
			};
			const unsubscribe = hub.subscribe(lotId, (e: LiveEvent) => send(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({ lotId: e.lotId, at: e.at, ...e.payload })}\n\n`), after);
			const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
			stop = () => {
				unsubscribe();
				clearInterval(heartbeat);
				try {
					controller.close();
				} catch {
					// already closed
				}
			};
			signal.addEventListener('abort', () => stop(), { once: true });
			send(': connected\n\n');
		},
		cancel() {
			stop();
		}
	});
	return new Response(body, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' }
	});
}
