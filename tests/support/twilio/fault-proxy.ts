/**
 * Test support: an HTTP proxy on 127.0.0.1 that injects faults between the SDK and the Twilio
 * mock: answers 500 or 429 itself, drops the connection before forwarding (Twilio never saw the
 * request), or forwards and then drops the connection instead of answering (Twilio took the
 * message, the sender never hears so) — the case that makes naive retries send twice. Faults
 * come from a seeded generator, at `rate`; with `forMs`, only for that long from the first request
 * after `set` (senders that take a while to start still meet the faults).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRandom } from '../../../src/lib/parking/simulator/random.ts';

export type Fault = 'status500' | 'status429' | 'dropBefore' | 'dropAfter';
export const ALL_FAULTS: readonly Fault[] = ['status500', 'status429', 'dropBefore', 'dropAfter'];

export interface FaultProxy {
	url: string;
	/** faults injected so far, by kind */
	injected: Record<Fault, number>;
	forwarded: number;
	set(options: { rate: number; faults?: readonly Fault[]; forMs?: number }): void;
	close(): Promise<void>;
}


export async function startFaultProxy(target: string, seed = 1): Promise<FaultProxy> {
	const random = createRandom(seed);
	const upstream = new URL(target);
	let rate = 0;
	let faults: readonly Fault[] = ALL_FAULTS;
	let forMs: number | undefined;
	let windowStart: number | undefined;
	const injected: Record<Fault, number> = { status500: 0, status429: 0, dropBefore: 0, dropAfter: 0 };
	const state = { forwarded: 0 };
	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			if (forMs !== undefined) {
				windowStart ??= Date.now();
				if (Date.now() - windowStart >= forMs) rate = 0;
			}
			const fault = random.chance(rate) ? random.pick(faults) : null;
			if (fault) injected[fault]++;
			if (fault === 'status500') return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 }));
			if (fault === 'status429') return void res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 }));
			if (fault === 'dropBefore') return void req.socket.destroy();
			const out = httpRequest(
				{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
				(answer) => {
					const body: Buffer[] = [];
					answer.on('data', (c: Buffer) => body.push(c));
					answer.on('end', () => {
						state.forwarded++;
						if (fault === 'dropAfter') return void req.socket.destroy();
						res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
					});
				}
			);
			out.on('error', () => req.socket.destroy());
			out.end(Buffer.concat(chunks));
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		injected,
		get forwarded() {
			return state.forwarded;
		},
		set(options) {
			rate = options.rate;
			faults = options.faults ?? ALL_FAULTS;
			forMs = options.forMs;
			windowStart = undefined;
		},
		close: () =>
			new Promise((r) => {
				server.closeAllConnections();
				server.close(() => r());
			})
	};
}
