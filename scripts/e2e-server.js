#!/usr/bin/env node
/**
 * Starts the built app for the browser and HTTP tests on a throwaway database:
 * `node scripts/e2e-server.js sqlite|mysql PORT`. It writes what the tests need to know
 * (data folder, database URL, first-admin setup link) to tests/.state/PORT.json, and removes
 * the database and the data folder when stopped.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

const [engine, port] = process.argv.slice(2);
if (!['sqlite', 'mysql'].includes(engine ?? '') || !/^\d+$/.test(port ?? '')) {
	console.error('usage: node scripts/e2e-server.js sqlite|mysql PORT');
	process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const stateDir = join(root, 'tests/.state');
mkdirSync(stateDir, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), `spms-e2e-${port}-`));
const adminUrl = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306';
let databaseUrl = '';
let dbName = '';
if (engine === 'mysql') {
	dbName = `spms_e2e_${port}_${process.pid}`;
	const c = await mysql.createConnection({ uri: adminUrl });
	await c.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
	await c.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
	await c.end();
	databaseUrl = `${adminUrl.replace(/\/$/, '')}/${dbName}`;
}

const env = { ...process.env, PORT: port, HOST: '127.0.0.1', DATA_DIR: dataDir, ORIGIN: `http://127.0.0.1:${port}` };
delete env.DB_URI;
if (databaseUrl) env.DATABASE_URL = databaseUrl;
else delete env.DATABASE_URL;

const state = { port: Number(port), engine, dataDir, databaseUrl, setupLink: null };
const stateFile = join(stateDir, `${port}.json`);
const save = () => writeFileSync(stateFile, JSON.stringify(state, null, 2));
save();

// everything the server writes is also kept in DATA_DIR/server.log: the log tests read it
const logFile = createWriteStream(join(dataDir, 'server.log'));
const child = spawn(process.execPath, [join(root, 'scripts/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
child.stderr.on('data', (chunk) => {
	logFile.write(chunk);
	process.stderr.write(chunk);
});
child.stdout.on('data', (chunk) => {
	logFile.write(chunk);
	const text = String(chunk);
	const link = text.match(/https?:\/\/\S+\/setup\/[a-z2-7]+/);
	if (link) {
		state.setupLink = link[0];
		save();
	}
	if (process.env.E2E_SERVER_LOG === 'true') process.stdout.write(text);
});

let stopping = false;
async function stop(code) {
	if (stopping) return;
	stopping = true;
	child.kill('SIGTERM');
	await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
	if (dbName) {
		const c = await mysql.createConnection({ uri: adminUrl }).catch(() => null);
		await c?.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
		await c?.end();
	}
	rmSync(dataDir, { recursive: true, force: true });
	rmSync(stateFile, { force: true });
	process.exit(code);
}
child.on('exit', (code) => void stop(code ?? 1));
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
