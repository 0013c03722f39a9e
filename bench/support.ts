/** Shared bench plumbing: a built app on a throwaway database, and latency statistics. */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const root = join(import.meta.dirname, '..');

export interface BenchServer {
	url: string;
	engine: 'sqlite' | 'mysql';
	/** makes an account with the real CLI and returns a bearer token for it */
	token(role: 'admin' | 'operator' | 'patrol'): Promise<string>;
	stop(): Promise<void>;
}

/** Starts the built app (npm run build first) on a fresh database via scripts/e2e-server.js. */
export async function startServer(engine: 'sqlite' | 'mysql', port: number, env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
	const child: ChildProcess = spawn(process.execPath, [join(root, 'scripts/e2e-server.js'), engine, String(port)], {
		cwd: root,
		env: { ...process.env, LOG_LEVEL: 'warn', ...env },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const url = `http://127.0.0.1:${port}`;
	for (let i = 0; ; i++) {
		if (child.exitCode !== null) throw new Error(`the ${engine} server exited (${child.exitCode})`);
		try {
			if ((await fetch(`${url}/healthz`)).ok) break;
		} catch {
			// not up yet
		}
		if (i > 300) throw new Error('the server did not start in 60 s');
		await new Promise((r) => setTimeout(r, 200));
	}
	const state = JSON.parse(readFileSync(join(root, 'tests/.state', `${port}.json`), 'utf8'));
	let n = 0;
	return {
		url,
		engine,
		async token(role) {
			const email = `bench-${role}-${process.pid}-${n++}@example.com`;
			const password = 'bench-password-1';
			const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: state.dataDir };
			delete childEnv.DB_URI;
			if (state.databaseUrl) childEnv.DATABASE_URL = state.databaseUrl;
			else delete childEnv.DATABASE_URL;
			// not execFileSync: a bench may serve something in this process meanwhile (bench/sql-proxy.ts)
			await promisify(execFile)(process.execPath, [join(root, 'scripts/user-create.ts'), '--email', email, '--password', password, '--role', role], { env: childEnv, cwd: root });
			const res = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
			return (await res.json()).token as string;
		},
		async stop() {
			child.kill('SIGTERM');
			await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
		}
	};
}

/** The q-quantile (0..1) of a list of numbers (nearest rank). */
export function quantile(values: number[], q: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A valid Indian plate for each number below 26*26*99*9999: KA01AA0001, KA01AA0002, … */
export function plateFor(i: number): string {
	const num = (i % 9999) + 1;
	const rest = Math.floor(i / 9999);
	const rto = (rest % 99) + 1;
	const series = Math.floor(rest / 99);
	const letters = String.fromCharCode(65 + (Math.floor(series / 26) % 26)) + String.fromCharCode(65 + (series % 26));
	return `KA${String(rto).padStart(2, '0')}${letters}${String(num).padStart(4, '0')}`;
}

export function machine(): string {
	return `${process.platform} ${process.arch}, ${navigator.hardwareConcurrency} cores, Node ${process.version}`;
}
