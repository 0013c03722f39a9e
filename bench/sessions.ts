/**
 * `npm run bench:sessions`: entry+exit pairs per second through the HTTP API on loopback, at 64
 * concurrent clients, on MariaDB and on SQLite (the built app; `npm run build` first).
 * Options: --seconds N (default 20), --clients N (default 64), --engines mysql,sqlite.
 * Goal: ≥ 1,000 pairs/s on MariaDB with p99 ≤ 50 ms on a 2-core machine.
 */
import { parseArgs } from 'node:util';
import { machine, plateFor, quantile, startServer } from './support.ts';

const { values } = parseArgs({
	options: { seconds: { type: 'string', default: '20' }, clients: { type: 'string', default: '64' }, engines: { type: 'string', default: 'mysql,sqlite' } }
});
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

async function run(engine: 'mysql' | 'sqlite', port: number): Promise<Result> {
	const server = await startServer(engine, port);
	try {
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
		const post = async (path: string, body: unknown, latencies: number[]) => {
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
const results: Result[] = [];
// Not 4190: fetch refuses the ports of the Fetch standard's "bad port" list (4190 is ManageSieve).
for (const [i, engine] of engines.entries()) results.push(await run(engine, 4290 + i));
console.log('\n| engine | pairs/s | pairs | requests | errors | request p50 ms | request p99 ms | pair p99 ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
	console.log(`| ${r.engine} | ${r.pairsPerSecond.toFixed(0)} | ${r.pairs} | ${r.requests} | ${r.errors} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.pairP99.toFixed(1)} |`);
}
const maria = results.find((r) => r.engine === 'mysql');
if (maria) console.log(`\ngoal (MariaDB): ≥ 1000 pairs/s and p99 ≤ 50 ms → ${maria.pairsPerSecond >= 1000 && maria.p99 <= 50 ? 'met' : 'not met'}`);
