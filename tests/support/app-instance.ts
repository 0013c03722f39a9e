/**
 * Test support: app instances as an operator runs them — the built app (`npm run build` first)
 * started with `scripts/start.js`, each its own process with its own data folder, all pointed at
 * the same database (and S3, and Twilio) through the environment. Used by the scale-out and fault
 * suites (tests/e2e/ops) and `bench:faults`, which need processes they can stop, start again and
 * cut off from their dependencies, unlike Playwright's shared web servers.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

export const ROOT = join(import.meta.dirname, '../..');

export interface AppInstance {
	url: string;
	port: number;
	dataDir: string;
	/** the last lines the process wrote (stdout and stderr), for a failing test's message */
	readonly output: string[];
	readonly running: boolean;
	/** starts the process (again), on the same port and data folder; resolves when /healthz answers */
	start(): Promise<void>;
	/** SIGTERM, and waits for the exit */
	stop(): Promise<void>;
	/** stops it and removes its data folder */
	dispose(): Promise<void>;
}

/**
 * An app instance on 127.0.0.1:`port` (started: call `start()`).
 * @param env the instance's settings (DATABASE_URL, AWS_*, TWILIO_*, …) on top of the test's own
 */
export function appInstance(port: number, env: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), `spms-instance-${port}-`))): AppInstance {
	let child: ChildProcess | null = null;
	const output: string[] = [];
	const url = `http://127.0.0.1:${port}`;
	const keep = (chunk: Buffer) => {
		for (const line of String(chunk).split('\n')) if (line.trim()) output.push(line);
		if (output.length > 400) output.splice(0, output.length - 400);
	};
	const instance: AppInstance = {
		url,
		port,
		dataDir,
		output,
		get running() {
			return child !== null && child.exitCode === null && child.signalCode === null;
		},
		async start() {
			if (instance.running) return;
			const childEnv: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: String(port), ORIGIN: url, DATA_DIR: dataDir, LPR_WORKERS: '1', ...env };
			delete childEnv.DB_URI;
			const started = spawn(process.execPath, [join(ROOT, 'scripts/start.js')], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
			child = started;
			started.stdout!.on('data', keep);
			started.stderr!.on('data', keep);
			for (let i = 0; ; i++) {
				if (started.exitCode !== null) throw new Error(`the instance on ${port} exited (${started.exitCode}):\n${output.slice(-30).join('\n')}`);
				try {
					if ((await fetch(`${url}/healthz`)).ok) return;
				} catch {
					// not listening yet
				}
				if (i > 600) throw new Error(`the instance on ${port} did not answer in 120 s:\n${output.slice(-30).join('\n')}`);
				await new Promise((r) => setTimeout(r, 200));
			}
		},
		async stop() {
			const c = child;
			if (!c || c.exitCode !== null || c.signalCode !== null) return;
			const exited = new Promise((r) => c.once('exit', r));
			c.kill('SIGTERM');
			await exited;
		},
		async dispose() {
			await instance.stop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
	return instance;
}

export interface ThrowawayDatabase {
	/** the database's URL for DATABASE_URL */
	url: string;
	name: string;
	drop(): Promise<void>;
}

/**
 * An empty database (binary collation, as the README asks) on the server of `adminUrl`; the app
 * migrates it at start.
 */
export async function throwawayDatabase(adminUrl: string, name: string): Promise<ThrowawayDatabase> {
	const c = await mysql.createConnection({ uri: adminUrl });
	await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
	await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
	await c.end();
	return {
		url: `${adminUrl.replace(/\/$/, '')}/${name}`,
		name,
		async drop() {
			const d = await mysql.createConnection({ uri: adminUrl }).catch(() => null);
			await d?.query(`DROP DATABASE IF EXISTS \`${name}\``);
			await d?.end();
		}
	};
}

/**
 * Makes an account with the real CLI against `databaseUrl` and signs in at `url`.
 * Asynchronous on purpose: a proxy in this process may be carrying the CLI's connection.
 * @returns the bearer token and the credentials
 */
export async function accountOn(url: string, databaseUrl: string, role: 'admin' | 'operator' | 'patrol', tag: string = role): Promise<{ token: string; email: string; password: string }> {
	const email = `${tag}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
	const password = `pw-${Math.random().toString(36).slice(2)}-long`;
	// DATA_DIR: the CLI's own (it opens the app's image store too), not the repository's ./data
	const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: join(tmpdir(), 'spms-cli-accounts') };
	delete env.DB_URI;
	await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/user-create.ts'), '--email', email, '--password', password, '--role', role], { env, cwd: ROOT });
	const res = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
	if (res.status !== 200) throw new Error(`sign-in at ${url}: ${res.status} ${await res.text()}`);
	return { token: ((await res.json()) as { token: string }).token, email, password };
}

/** Reads a Server-Sent Events stream, calling `onEvent` per event, until aborted. */
export async function readEvents(url: string, headers: Record<string, string>, signal: AbortSignal, onEvent: (e: { id: string | null; event: string; data: unknown }) => void): Promise<Response> {
	const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal });
	if (!res.ok || !res.body) return res;
	const body = res.body;
	void (async () => {
		const decoder = new TextDecoder();
		let buffer = '';
		try {
			for await (const chunk of body) {
				buffer += decoder.decode(chunk, { stream: true });
				for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
					const block = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
					const event = field('event');
					if (event) onEvent({ id: field('id'), event, data: JSON.parse(field('data') ?? 'null') });
				}
			}
		} catch {
			// aborted
		}
	})();
	return res;
}
