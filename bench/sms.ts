/**
 * `npm run bench:sms`: how fast the sender drains a 10,000-message outbox through the real
 * `twilio` SDK into the Twilio mock (Prism validating every request against Twilio's OpenAPI
 * document, in front of the stateful fake), and, with two sender processes and a proxy
 * injecting 500s, 429s and dropped connections (before and after Twilio took the message) for a
 * while, how many messages were lost or sent twice. Goal: 0 and 0.
 * The drain is measured twice: through Prism (the number asked for; on a 2-core machine Prism's
 * validation is the bottleneck) and straight into the fake (what the sender and the database can do).
 * Options: --messages N (default 10000), --fault-messages N (default 2000), --engine sqlite|mysql
 * (default sqlite), --fault-rate R (default 0.3), --fault-seconds S (default 20), --concurrency N
 * (default 16).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../src/lib/server/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../src/lib/server/db/testing.ts';
import { drainUntilIdle } from '../src/lib/server/sms/sender.ts';
import { fillOutbox, outboxRow } from '../src/lib/server/sms/testing.ts';
import { twilioGateway } from '../src/lib/server/sms/twilio-client.ts';
import { startFaultProxy } from '../tests/support/twilio/fault-proxy.ts';
import { startTwilioMock, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, type TwilioMock } from '../tests/support/twilio/mock.ts';
import { reportFigures } from './report.ts';
import { machine } from './support.ts';

const { values } = parseArgs({
	options: {
		messages: { type: 'string', default: '10000' },
		'fault-messages': { type: 'string', default: '2000' },
		engine: { type: 'string', default: 'sqlite' },
		'fault-rate': { type: 'string', default: '0.3' },
		'fault-seconds': { type: 'string', default: '20' },
		concurrency: { type: 'string', default: '16' }
	}
});
const messages = Number(values.messages);
const faultMessages = Number(values['fault-messages']);
const engine = values.engine as 'sqlite' | 'mysql';
const faultRate = Number(values['fault-rate']);
const faultSeconds = Number(values['fault-seconds']);
const concurrency = Number(values.concurrency);
const migrations = resolve(import.meta.dirname, '../drizzle');
process.env.LOG_LEVEL ??= 'error';

/** A fresh database with `n` due messages (distinct bodies, 500 recipients); returns its URL. */
async function freshOutbox(n: number, tag: string): Promise<{ db: Database; url: string; drop: () => Promise<void>; bodies: string[] }> {
	let tdb: TestDatabase | undefined;
	let db: Database;
	let url: string;
	let dir: string | undefined;
	if (engine === 'mysql') {
		tdb = await createTestDatabase('mysql');
		db = tdb.db;
		url = tdb.url;
	} else {
		dir = mkdtempSync(join(tmpdir(), 'spms-bench-sms-'));
		url = `sqlite:${join(dir, 'spms.sqlite')}`;
		db = await openDatabase({ engine: 'sqlite', file: url.slice(7) }, migrations);
	}
	const now = Date.now();
	const rows = Array.from({ length: n }, (_, i) => outboxRow(now, { toPhone: `+9198${String(10_000_000 + (i % 500)).slice(0, 8)}`, body: `SPMS bench ${tag} #${i}: KA01AB${1000 + (i % 9000)} paid` }));
	await db.transaction((x) => fillOutbox(x, rows));
	return {
		db,
		url,
		bodies: rows.map((r) => r.body),
		drop: async () => {
			if (tdb) await tdb.drop();
			else await db.close();
			if (dir) rmSync(dir, { recursive: true, force: true });
		}
	};
}

function ledger(mock: TwilioMock, bodies: string[]): { lost: number; duplicated: number } {
	const seen = new Map<string, number>();
	for (const m of mock.fake.messages) seen.set(m.body, (seen.get(m.body) ?? 0) + 1);
	return { lost: bodies.filter((b) => !seen.has(b)).length, duplicated: bodies.filter((b) => (seen.get(b) ?? 0) > 1).length };
}

const mock = await startTwilioMock();
const proxy = await startFaultProxy(mock.url, 42);
console.log(`bench:sms on ${engine}, ${messages} messages; ${machine()}`);
try {
	// 1. Throughput: one sender, no faults; through the mock (Prism), then straight to the fake.
	for (const [label, target, figure] of [['through the mock, every request validated by Prism', proxy.url, 'drainMock'], ['straight into the stateful fake (no Prism)', mock.fake.url, 'drainFake']] as const) {
		mock.fake.messages.length = 0;
		const box = await freshOutbox(messages, 'clean');
		const gateway = twilioGateway({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, from: TEST_FROM, apiBaseUrl: target, timeoutMs: 10_000 });
		const started = performance.now();
		const totals = await drainUntilIdle(box.db, gateway, Date.now, { concurrency, batchSize: 200 });
		const seconds = (performance.now() - started) / 1000;
		const { lost, duplicated } = ledger(mock, box.bodies);
		console.log(`drain ${label}: ${totals.accepted} of ${messages} accepted in ${seconds.toFixed(1)} s = ${(totals.accepted / seconds).toFixed(0)} messages/s (one sender, ${concurrency} in flight); lost ${lost}, duplicated ${duplicated}`);
		reportFigures('bench:sms', { [figure]: totals.accepted / seconds, [`${figure}.lost`]: lost, [`${figure}.duplicated`]: duplicated });
		await box.drop();
	}
	// 2. Faults: two sender processes, faults for a while, then a clean network.
	{
		mock.fake.messages.length = 0;
		const box = await freshOutbox(faultMessages, 'faults');
		if (engine === 'sqlite') await box.db.close(); // the processes open the file themselves
		proxy.set({ rate: faultRate, forMs: faultSeconds * 1000 });
		const script = resolve(import.meta.dirname, '../tests/support/twilio/sender-process.ts');
		const started = performance.now();
		const run = () =>
			new Promise<{ accepted: number; claimed: number }>((ok, fail) => {
				const child = spawn(process.execPath, [script, box.url, proxy.url], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'error' } });
				let out = '';
				child.stdout.on('data', (d: Buffer) => (out += d.toString()));
				child.once('exit', (code) => (code === 0 ? ok(JSON.parse(out.trim().split('\n').pop()!)) : fail(new Error(`sender exited ${code}`))));
			});
		const [a, b] = await Promise.all([run(), run()]);
		const seconds = (performance.now() - started) / 1000;
		const { lost, duplicated } = ledger(mock, box.bodies);
		const injected = Object.entries(proxy.injected).map(([k, v]) => `${k} ${v}`).join(', ');
		console.log(`faults: ${faultMessages} messages, two sender processes, ${faultRate * 100}% of requests faulty for the first ${faultSeconds} s (${injected}); accepted ${a.accepted} + ${b.accepted} in ${seconds.toFixed(1)} s`);
		console.log(`lost: ${lost}`);
		console.log(`duplicated: ${duplicated}`);
		reportFigures('bench:sms', { lost, duplicated, faultSeconds: seconds, ...Object.fromEntries(Object.entries(proxy.injected).map(([k, v]) => [`injected.${k}`, v])) }, [`faults: ${faultMessages} messages, two sender processes, ${faultRate * 100}% of requests faulty for the first ${faultSeconds} s (${injected}); ${engine}`]);
		if (engine === 'sqlite') box.db = await openDatabase({ engine: 'sqlite', file: box.url.slice(7) }, migrations);
		await box.drop();
		if (lost || duplicated) process.exitCode = 1;
	}
} finally {
	await proxy.close();
	await mock.close();
}
