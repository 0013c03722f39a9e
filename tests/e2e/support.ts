/** Helpers shared by the HTTP and browser suites. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';

const root = join(import.meta.dirname, '../..');

export interface ServerState {
	port: number;
	engine: 'sqlite' | 'mysql';
	dataDir: string;
	databaseUrl: string;
	setupLink: string | null;
}

export function serverState(baseURL: string | undefined): ServerState {
	const port = new URL(baseURL!).port;
	return JSON.parse(readFileSync(join(root, 'tests/.state', `${port}.json`), 'utf8'));
}

export type Role = 'admin' | 'operator' | 'patrol' | 'driver';

let counter = 0;
/** A unique address for this run. */
export function uniqueEmail(tag: string): string {
	return `${tag}-${process.pid}-${Date.now().toString(36)}-${counter++}@example.com`;
}

/** Creates an account of any role with the real CLI, against the server's own database. */
export function createUser(baseURL: string | undefined, role: Role): { email: string; password: string } {
	const state = serverState(baseURL);
	const email = uniqueEmail(role);
	const password = `pw-${Math.random().toString(36).slice(2)}-long`;
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: state.dataDir };
	delete env.DB_URI;
	if (state.databaseUrl) env.DATABASE_URL = state.databaseUrl;
	else delete env.DATABASE_URL;
	execFileSync(process.execPath, [join(root, 'scripts/user-create.ts'), '--email', email, '--password', password, '--role', role], { env, cwd: root, stdio: 'pipe' });
	return { email, password };
}

/** Signs in through the original JSON API and returns the bearer token. */
export async function tokenFor(request: APIRequestContext, user: { email: string; password: string }): Promise<string> {
	const res = await request.post('/login', { data: user });
	expect(res.status(), await res.text()).toBe(200);
	return (await res.json()).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
