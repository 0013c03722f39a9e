/**
 * A counting TCP proxy in front of MariaDB for `bench:sessions --profile`: it forwards bytes both
 * ways untouched and counts the commands the app sends (each one a round trip to the server), so
 * the number of statements per request is measured on the wire, whatever the app's code does.
 * A MySQL packet is a 3-byte little-endian length, a sequence byte, then the payload; a command
 * starts a new exchange (sequence 0) and its first payload byte says which (0x03 COM_QUERY).
 */
import { createConnection, createServer, type Server } from 'node:net';

export interface SqlProxy {
	port: number;
	/** commands seen since the last reset */
	readonly commands: number;
	/** the text of each COM_QUERY since the last reset (others as `<command 0x..>`) */
	readonly statements: string[];
	reset(): void;
	close(): Promise<void>;
}

/** Listens on `port` and forwards to the MariaDB at `target` (host:port). */
export async function startSqlProxy(port: number, target = { host: '127.0.0.1', port: 3306 }): Promise<SqlProxy> {
	let commands = 0;
	let statements: string[] = [];
	const server: Server = createServer((client) => {
		const upstream = createConnection(target);
		let buffered = Buffer.alloc(0);
		let authenticated = false;
		client.on('data', (chunk: Buffer) => {
			upstream.write(chunk);
			buffered = Buffer.concat([buffered, chunk]);
			while (buffered.length >= 4) {
				const length = buffered.readUIntLE(0, 3);
				if (buffered.length < 4 + length) break;
				const seq = buffered[3]!;
				const payload = buffered.subarray(4, 4 + length);
				buffered = buffered.subarray(4 + length);
				// the handshake response (and any auth switch) come first; commands start at seq 0
				if (!authenticated) {
					authenticated = seq === 0;
					if (!authenticated) continue;
				}
				if (seq !== 0 || payload.length === 0) continue;
				commands++;
				const command = payload[0]!;
				statements.push(command === 0x03 ? payload.subarray(1).toString('utf8') : `<command 0x${command.toString(16)}>`);
			}
		});
		upstream.on('data', (chunk) => client.write(chunk));
		const end = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', end).on('close', end);
		upstream.on('error', end).on('close', end);
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		port,
		get commands() {
			return commands;
		},
		get statements() {
			return statements;
		},
		reset() {
			commands = 0;
			statements = [];
		},
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
}
