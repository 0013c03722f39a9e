/**
 * Test support: a TCP proxy that can take a dependency away, for the fault tests and
 * `bench:faults`. It forwards bytes untouched between 127.0.0.1:port and a target (MariaDB, the
 * S3 server) until told otherwise:
 * - `cut('refuse')`: every open connection is reset and the port stops listening, as a server
 *   that went down (clients get ECONNREFUSED at once);
 * - `cut('blackhole')`: open connections are reset, new ones are accepted and then never
 *   answered, as a network that silently drops packets (clients only learn through timeouts);
 * - `restore()`: forwarding again on the same port.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type CutMode = 'refuse' | 'blackhole';

export interface TcpProxy {
	port: number;
	/** connections accepted since start (forwarded or not) */
	readonly accepted: number;
	readonly state: 'up' | CutMode;
	cut(mode?: CutMode): Promise<void>;
	restore(): Promise<void>;
	close(): Promise<void>;
}

/**
 * Listens on `port` (0: a free one) and forwards to `target`.
 * @example const db = await startTcpProxy({ host: '127.0.0.1', port: 3306 }); // mysql://root@127.0.0.1:${db.port}/…
 */
export async function startTcpProxy(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
	let state: 'up' | CutMode = 'up';
	let accepted = 0;
	const open = new Set<Socket>();
	const track = (s: Socket) => {
		open.add(s);
		s.once('close', () => open.delete(s));
	};
	const onConnection = (client: Socket) => {
		accepted++;
		track(client);
		client.on('error', () => client.destroy());
		if (state === 'blackhole') return; // accepted, never answered
		const upstream = createConnection(target);
		track(upstream);
		const end = () => {
			client.destroy();
			upstream.destroy();
		};
		client.pipe(upstream);
		upstream.pipe(client);
		client.on('close', end);
		upstream.on('error', end).on('close', end);
	};
	let server: Server | null = null;
	const listen = () =>
		new Promise<void>((resolve, reject) => {
			const s = createServer(onConnection);
			s.once('error', reject);
			s.listen(port, '127.0.0.1', () => {
				port = (s.address() as { port: number }).port;
				server = s;
				resolve();
			});
		});
	const unlisten = () =>
		new Promise<void>((resolve) => {
			const s = server;
			server = null;
			if (!s) return resolve();
			s.close(() => resolve());
		});
	const resetAll = () => {
		// resetAndDestroy: the peer sees a reset, as when a server process dies
		for (const s of open) (s.resetAndDestroy ?? s.destroy).call(s);
	};
	await listen();
	return {
		get port() {
			return port;
		},
		get accepted() {
			return accepted;
		},
		get state() {
			return state;
		},
		async cut(mode = 'refuse') {
			state = mode;
			// a server's close() waits for its connections: reset them while it does
			const closed = mode === 'refuse' ? unlisten() : server ? Promise.resolve() : listen();
			resetAll();
			await closed;
		},
		async restore() {
			if (state === 'up') return;
			resetAll(); // a blackholed connection never worked: drop it
			state = 'up';
			if (!server) await listen();
		},
		async close() {
			const closed = unlisten();
			resetAll();
			await closed;
		}
	};
}
