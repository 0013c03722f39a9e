/**
 * `npm run bench:sessions`: entry+exit pairs per second through the HTTP API on loopback, at 64
 * concurrent clients, on MariaDB and on SQLite (the built app; `npm run build` first).
 * Options: --seconds N (default 20), --clients N (default 64), --engines mysql,sqlite, --profile,
 * --port N (default 4290; the next ports for the next engines, +100 for the profile's proxy).
 * --profile first measures one client alone: its request latency and, on MariaDB, the commands
 * (statements, BEGIN and COMMIT included) each pair sends, counted on the wire by a proxy — a
 * number that doesn't move with the machine's load, unlike the throughput.
 * Goal: ≥ 1,000 pairs/s on MariaDB with p99 ≤ 50 ms on a 2-core machine.
 */
import { parseArgs } from 'node:util';
import { goalOf, meets } from './goals.ts';
import { reportFigures } from './report.ts';
import { startSqlProxy, type SqlProxy } from './sql-proxy.ts';
import { machine, plateFor, quantile, startServer, type BenchServer } from './support.ts';

const { values } = parseArgs({
	options: {
		seconds: { type: 'string', default: '20' },
		clients: { type: 'string', default: '64' },
		engines: { type: 'string', default: 'mysql,sqlite' },
		profile: { type: 'boolean', default: false },
		port: { type: 'string', default: '4290' }
	}
});
// Not 4190: fetch refuses the ports of the Fetch standard's "bad port" list (4190 is ManageSieve).
const port = Number(values.port);
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const engines = values.engines!.split(',') as Array<'mysql' | 'sqlite'>;

interface Result {
	engine: string;
	pairs: number;
	pairsPerSecond: number;
	requests: number;
	errors: number;
	p50: number;
	p99: number;
	pairP99: number;
}

type Post = (path: string, body: unknown, latencies: number[]) => Promise<{ id: string }>;

/** An operator's token, a bench lot and a POST helper on a started server, warmed up. */
async function prepare(server: BenchServer): Promise<{ lotId: string; post: Post }> {
	const token = await server.token('operator');
	const admin = await server.token('admin');
	const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
	const lotRes = await fetch(`${server.url}/api/v1/lots`, {
		method: 'POST',
		headers: { ...headers, authorization: `Bearer ${admin}` },
		body: JSON.stringify({ name: 'Bench lot', capacity: { car: 100_000 } })
	});
	const lotBody = await lotRes.json();
	if (!lotRes.ok) throw new Error(`making the bench lot: ${lotRes.status} ${JSON.stringify(lotBody)}`);
	const lotId = lotBody.id as string;
	const post: Post = async (path, body, latencies) => {
		const t = performance.now();
		const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
		const json = await res.json();
		latencies.push(performance.now() - t);
		if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(json)}`);
		return json;
	};
	// warm-up: connections, JIT, caches
	const warm: number[] = [];
	for (let i = 0; i < 50; i++) {
		const s = await post('/api/v1/sessions', { lotId, plate: plateFor(9_000_000 + i) }, warm);
		await post(`/api/v1/sessions/${s.id}/end`, {}, warm);
	}
	return { lotId, post };
}

interface Profile {
	engine: string;
	/** commands sent to MariaDB per entry+exit pair (undefined on SQLite: no wire to count on) */
	commandsPerPair?: number;
	startStatements?: string[];
	endStatements?: string[];
	p50: number;
	p99: number;
}

const PROFILE_PAIRS = 200;

/** One client alone: request latency, and on MariaDB the commands per pair counted by a proxy. */
async function profile(engine: 'mysql' | 'sqlite', port: number): Promise<Profile> {
	let proxy: SqlProxy | undefined;
	let env: NodeJS.ProcessEnv = {};
	if (engine === 'mysql') {
		const target = new URL(process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306');
		proxy = await startSqlProxy(port + 100, { host: target.hostname, port: Number(target.port || 3306) });
		const via = new URL(target);
		via.hostname = '127.0.0.1';
		via.port = String(proxy.port);
		env = { MARIADB_TEST_URL: via.toString() };
	}
	const server = await startServer(engine, port, env);
	try {
		const { lotId, post } = await prepare(server);
		const latencies: number[] = [];
		proxy?.reset();
		let startStatements: string[] | undefined;
		let endStatements: string[] | undefined;
		for (let i = 0; i < PROFILE_PAIRS; i++) {
			const before = proxy?.statements.length ?? 0;
			const s = await post('/api/v1/sessions', { lotId, plate: plateFor(8_000_000 + i) }, latencies);
			const middle = proxy?.statements.length ?? 0;
			await post(`/api/v1/sessions/${s.id}/end`, {}, latencies);
			if (proxy && i === PROFILE_PAIRS - 1) {
				startStatements = proxy.statements.slice(before, middle);
				endStatements = proxy.statements.slice(middle);
			}
		}
		return {
			engine,
			commandsPerPair: proxy ? proxy.commands / PROFILE_PAIRS : undefined,
			startStatements,
			endStatements,
			p50: quantile(latencies, 0.5),
			p99: quantile(latencies, 0.99)
		};
	} finally {
		await server.stop();
		await proxy?.close();
	}
}

async function run(engine: 'mysql' | 'sqlite', port: number): Promise<Result> {
	const server = await startServer(engine, port);
	try {
		const { lotId, post } = await prepare(server);
		const latencies: number[] = [];
		const pairLatencies: number[] = [];
		let next = 0;
		let pairs = 0;
		let errors = 0;
		const deadline = performance.now() + seconds * 1000;
		const started = performance.now();
		await Promise.all(
			Array.from({ length: clients }, async () => {
				while (performance.now() < deadline) {
					const t = performance.now();
					try {
						const s = await post('/api/v1/sessions', { lotId, plate: plateFor(next++) }, latencies);
						await post(`/api/v1/sessions/${s.id}/end`, {}, latencies);
						pairs++;
						pairLatencies.push(performance.now() - t);
					} catch {
						errors++;
					}
				}
			})
		);
		const elapsed = (performance.now() - started) / 1000;
		return {
			engine,
			pairs,
			pairsPerSecond: pairs / elapsed,
			requests: latencies.length,
			errors,
			p50: quantile(latencies, 0.5),
			p99: quantile(latencies, 0.99),
			pairP99: quantile(pairLatencies, 0.99)
		};
	} finally {
		await server.stop();
	}
}

console.log(`bench:sessions — ${clients} clients × ${seconds} s per engine; ${machine()}`);
if (values.profile) {
	const profiles: Profile[] = [];
	for (const [i, engine] of engines.entries()) profiles.push(await profile(engine, port + i));
	console.log(`\nprofile — one client, ${PROFILE_PAIRS} pairs`);
	console.log('\n| engine | commands per pair | request p50 ms | request p99 ms |');
	console.log('|---|---|---|---|');
	for (const p of profiles) console.log(`| ${p.engine} | ${p.commandsPerPair?.toFixed(1) ?? 'n/a'} | ${p.p50.toFixed(2)} | ${p.p99.toFixed(2)} |`);
	for (const p of profiles.filter((p) => p.startStatements)) {
		const show = (name: string, list: string[]) => console.log(`\n${p.engine}: ${name} (${list.length}):\n${list.map((q) => `  ${q.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n')}`);
		show('POST /api/v1/sessions', p.startStatements!);
		show('POST /api/v1/sessions/{id}/end', p.endStatements!);
	}
}
const results: Result[] = [];
for (const [i, engine] of engines.entries()) results.push(await run(engine, port + i));
console.log('\n| engine | pairs/s | pairs | requests | errors | request p50 ms | request p99 ms | pair p99 ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
	console.log(`| ${r.engine} | ${r.pairsPerSecond.toFixed(0)} | ${r.pairs} | ${r.requests} | ${r.errors} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.pairP99.toFixed(1)} |`);
}
reportFigures('bench:sessions', Object.fromEntries(results.flatMap((r) => [[`${r.engine}.pairsPerSecond`, r.pairsPerSecond], [`${r.engine}.p50`, r.p50], [`${r.engine}.p99`, r.p99], [`${r.engine}.pairP99`, r.pairP99], [`${r.engine}.errors`, r.errors]])));
const maria = results.find((r) => r.engine === 'mysql');
const rateGoal = goalOf('bench:sessions', 'mysql.pairsPerSecond');
const p99Goal = goalOf('bench:sessions', 'mysql.p99');
if (maria) console.log(`\ngoal (MariaDB): ≥ ${rateGoal.target} pairs/s and p99 ≤ ${p99Goal.target} ms → ${meets(rateGoal, maria.pairsPerSecond) && meets(p99Goal, maria.p99) ? 'met' : 'not met'}`);
