/**
 * `npm run bench:faults` (after `npm run build`): the gate load of bench:gates — simulated gates
 * posting photos at a fixed total rate, a share of them sent twice as a gate that didn't hear back
 * does — against the built app while its dependencies fail: the app's MariaDB (a private
 * `mariadbd` on port 3407 with its own datadir under /tmp, nobody else's) is restarted mid-run,
 * S3 (`@20minutes/s3rver` behind a TCP proxy) is unreachable for a while, and so is Twilio (the
 * Prism mock behind a proxy) while payments keep asking for confirmations. Every gate retries
 * with its capture id the way the firmware does (tests/support/gate-client.ts).
 *
 * Prints the counts: requests, 503s (and how many carried Retry-After), retries, decisions,
 * sessions created, duplicates and lost (both must be 0), images spooled and later uploaded, SMS
 * sent/lost/duplicated; and how long the app took to answer again after the database came back.
 *
 * Options: --gates N (50), --rate N captures/s (10), --seconds N (60), --retry F (0.1),
 * --db-at S (15) and --db-down S (5): when the database stops and for how long before it starts
 * again; --db-stop shutdown|crash (shutdown: SIGTERM; crash: SIGKILL, InnoDB recovery);
 * --s3-at S (30) --s3-down S (15); --twilio-at S (20) --twilio-down S (20); --port N (4640).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { testJpeg } from '../src/lib/server/gates/testing.ts';
import { S3ImageStore } from '../src/lib/server/storage/s3.ts';
import { accountOn, appInstance, throwawayDatabase } from '../tests/support/app-instance.ts';
import { postCapture, type CaptureOutcome } from '../tests/support/gate-client.ts';
import { startS3Server } from '../tests/support/s3-server.ts';
import { startTcpProxy } from '../tests/support/tcp-proxy.ts';
import { startTwilioMock, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, twilioSpecAvailable } from '../tests/support/twilio/mock.ts';
import { privateMariadb } from './private-mariadb.ts';
import { reportFigures } from './report.ts';
import { machine, quantile, root } from './support.ts';

const { values } = parseArgs({
	options: {
		gates: { type: 'string', default: '50' },
		rate: { type: 'string', default: '10' },
		seconds: { type: 'string', default: '60' },
		retry: { type: 'string', default: '0.1' },
		'db-at': { type: 'string', default: '15' },
		'db-down': { type: 'string', default: '5' },
		'db-stop': { type: 'string', default: 'shutdown' },
		's3-at': { type: 'string', default: '30' },
		's3-down': { type: 'string', default: '15' },
		'twilio-at': { type: 'string', default: '20' },
		'twilio-down': { type: 'string', default: '20' },
		port: { type: 'string', default: '4640' }
	}
});
const n = (k: keyof typeof values) => Number(values[k]);
const seconds = n('seconds');
const rate = n('rate');
const dbStop = values['db-stop'] === 'crash' ? 'crash' : 'shutdown';

function photos(): Uint8Array[] {
	const scenes = join(root, '../shared/datasets/intl-openlpr-scenes/images');
	if (existsSync(scenes)) {
		const files = readdirSync(scenes).filter((f) => f.endsWith('.jpg')).sort().slice(0, 100);
		if (files.length) return files.map((f) => new Uint8Array(readFileSync(join(scenes, f))));
	}
	const known = join(root, 'tests/fixtures/gates/known-plates');
	return [...readdirSync(known).filter((f) => f.endsWith('.jpg')).map((f) => new Uint8Array(readFileSync(join(known, f)))), ...Array.from({ length: 20 }, (_, i) => testJpeg(640, 480, i))];
}

const log = (msg: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
let t0 = performance.now();

console.log(
	`bench:faults — ${n('gates')} gates, ${rate} captures/s for ${seconds} s, ${Math.round(n('retry') * 100)}% sent twice; MariaDB ${dbStop} at ${n('db-at')} s for ${n('db-down')} s, S3 away ${n('s3-at')}–${n('s3-at') + n('s3-down')} s, Twilio away ${n('twilio-at')}–${n('twilio-at') + n('twilio-down')} s; ${machine()}`
);
const mariadb = privateMariadb('/tmp/spms-bench-faults', 3407);
await mariadb.start();
const db = await throwawayDatabase(mariadb.url, 'spms_bench_faults');
const s3 = await startS3Server('spms-faults');
const s3Direct = new S3ImageStore(s3.config);
const s3Proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(s3.url).port) });
const twilio = twilioSpecAvailable() ? await startTwilioMock() : null;
const twilioProxy = twilio ? await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(twilio.url).port) }) : null;
const app = appInstance(n('port'), {
	DATABASE_URL: db.url,
	AWS_S3_BUCKET: s3.config.bucket,
	AWS_REGION: s3.config.region,
	AWS_S3_ENDPOINT: `http://127.0.0.1:${s3Proxy.port}`,
	AWS_ACCESS_KEY_ID: s3.config.credentials!.accessKeyId,
	AWS_SECRET_ACCESS_KEY: s3.config.credentials!.secretAccessKey,
	...(twilioProxy ? { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM_NUMBER: TEST_FROM, TWILIO_API_BASE_URL: `http://127.0.0.1:${twilioProxy.port}` } : {}),
	SMS_QUIET_HOURS: 'off',
	OCR_CONFIDENCE_THRESHOLD: '0',
	LOG_LEVEL: 'warn',
	// the load is the point: no per-key capture budget in the way
	RATE_LIMIT_CAPTURES_PER_MINUTE: '100000'
});
try {
	await app.start();
	const admin = { authorization: `Bearer ${(await accountOn(app.url, db.url, 'admin')).token}`, 'content-type': 'application/json' };
	const api = async (path: string, body: unknown) => {
		const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
		if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
		return res.json();
	};
	// the photos are of many countries: generic plate rules, so that reads start and end sessions
	const lot = await api('/api/v1/lots', { name: 'Faults gates', country: 'generic', capacity: { car: 100_000 } });
	const smsLot = await api('/api/v1/lots', { name: 'Faults payments', country: 'in', capacity: { car: 100_000 } });
	const gates: Array<{ id: string; key: string }> = [];
	for (let i = 0; i < n('gates'); i++) {
		const key = await api('/api/v1/device-keys', { name: `faults gate ${i}` });
		const gate = await api(`/api/v1/lots/${lot.id}/gates`, { name: `Gate ${i}`, direction: 'both', deviceKeyId: key.id });
		gates.push({ id: gate.id, key: key.key });
	}
	const pictures = photos();
	// warm-up: the reader pool starts on the first capture
	for (let i = 0; i < 5; i++) await postCapture(app.url, gates[i % gates.length]!, `warm-${i}`, pictures[i % pictures.length]!, { deadlineMs: 120_000 });

	// what the bench sees of the spool: every key that waited there
	const spoolDir = join(app.dataDir, 'spool');
	const spooled = new Set<string>();
	const watchSpool = setInterval(() => {
		try {
			for (const e of readdirSync(spoolDir, { recursive: true, withFileTypes: true })) {
				if (!e.isFile() || e.name.endsWith('.tmp')) continue;
				spooled.add(join(e.parentPath, e.name).slice(spoolDir.length + 1).replace(/\.\d+\.uploading$/, ''));
			}
		} catch {
			// no spool yet
		}
	}, 100);

	t0 = performance.now();
	const at = (s: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t0 + s * 1000 - performance.now())));
	let dbBackAt = 0;
	/** A service behind its proxy refused from `--<option>-at` for `--<option>-down` seconds. */
	const outage = async (name: string, proxy: typeof s3Proxy, option: 's3' | 'twilio') => {
		await at(n(`${option}-at`));
		log(`${name}: unreachable`);
		await proxy.cut('refuse');
		await at(n(`${option}-at`) + n(`${option}-down`));
		await proxy.restore();
		log(`${name}: back`);
	};
	const faults = [
		(async () => {
			await at(n('db-at'));
			log(`MariaDB: ${dbStop === 'crash' ? 'killed (SIGKILL)' : 'shut down (SIGTERM)'}`);
			await mariadb.stop(dbStop);
			await at(n('db-at') + n('db-down'));
			log('MariaDB: starting again');
			await mariadb.start();
			dbBackAt = Date.now();
			log('MariaDB: answering again');
		})(),
		outage('S3', s3Proxy, 's3'),
		twilioProxy ? outage('Twilio', twilioProxy, 'twilio') : null
	];

	// payments wanting an SMS, one every 2 s, as a booth would take them (not retried: a person would)
	const payments: Array<{ plate: string; ok: boolean }> = [];
	const booth = (async () => {
		for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
			const plate = `KA01FT${String(1000 + i)}`;
			let ok = false;
			try {
				const s = await fetch(`${app.url}/api/v1/sessions`, { method: 'POST', headers: admin, body: JSON.stringify({ lotId: smsLot.id, plate }) });
				if (s.status === 201) {
					const paid = await fetch(`${app.url}/api/v1/sessions/${(await s.json()).id}/payments`, { method: 'POST', headers: admin, body: JSON.stringify({ amountPaise: 5000, method: 'upi', phone: `+9198765${String(10000 + i)}` }) });
					ok = paid.status === 201;
				}
			} catch {
				// refused: counted below
			}
			payments.push({ plate, ok });
			await new Promise((r) => setTimeout(r, 2_000));
		}
	})();

	// the gates: open loop at `rate`; each capture retried until answered; some sent twice
	const outcomes: CaptureOutcome[] = [];
	const doubles: CaptureOutcome[] = [];
	const inflight: Promise<void>[] = [];
	const total = Math.round(rate * seconds);
	for (let i = 0; i < total; i++) {
		await at(i / rate);
		const gate = gates[Math.floor(Math.random() * gates.length)]!;
		const photo = pictures[Math.floor(Math.random() * pictures.length)]!;
		const key = `cap-${i}`;
		const capturedAt = Date.now();
		inflight.push(postCapture(app.url, gate, key, photo, { capturedAt, deadlineMs: 180_000 }).then((o) => void outcomes.push(o)));
		if (Math.random() < n('retry')) {
			const later = 50 + Math.random() * 1500;
			inflight.push(new Promise<void>((r) => setTimeout(r, later)).then(() => postCapture(app.url, gate, key, photo, { capturedAt, deadlineMs: 180_000 })).then((o) => void doubles.push(o)));
		}
	}
	await Promise.all([...inflight, ...faults, booth]);
	log(`load done: ${outcomes.length} captures answered or given up`);

	// afterwards: the spool uploaded, the outbox drained
	const waitFor = async (what: string, done: () => Promise<boolean> | boolean, ms = 90_000) => {
		const until = performance.now() + ms;
		while (!(await done())) {
			if (performance.now() > until) return log(`${what}: not done after ${ms / 1000} s`);
			await new Promise((r) => setTimeout(r, 500));
		}
		log(`${what}: done`);
	};
	const spoolLeft = () => {
		try {
			return readdirSync(spoolDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
		} catch {
			return 0;
		}
	};
	await waitFor('spool uploaded', () => spoolLeft() === 0);
	clearInterval(watchSpool);
	const c = await mysql.createConnection({ uri: db.url });
	const paidPlates = payments.filter((p) => p.ok).map((p) => p.plate);
	if (twilio) await waitFor('SMS outbox drained', async () => ((await c.query("SELECT count(*) AS n FROM sms_outbox WHERE status IN ('pending','sending')"))[0] as Array<{ n: number }>)[0]!.n === 0);

	// --- the counts ---
	const all = [...outcomes, ...doubles];
	const attempts = all.flatMap((o) => o.attempts);
	const answered = outcomes.filter((o) => o.answer);
	const unanswered = outcomes.length - answered.length + (total - outcomes.length);
	const status503 = attempts.filter((a) => a.status === 503);
	const byCode: Record<string, number> = {};
	for (const a of attempts) if (a.status !== 200) byCode[`${a.status} ${a.code ?? '(no answer)'}`] = (byCode[`${a.status} ${a.code ?? '(no answer)'}`] ?? 0) + 1;
	const retries = attempts.length - all.length;
	// a capture sent twice must have had one answer, byte for byte
	const firstBody = new Map(outcomes.map((o) => [o.key, o.body]));
	const differing = doubles.filter((d) => d.body !== null && firstBody.get(d.key) !== null && d.body !== firstBody.get(d.key)).length;

	const [rows] = (await c.query(`SELECT idempotency_key AS k, status, session_id AS s, image_key AS img, answer FROM gate_captures WHERE lot_id = ?`, [lot.id])) as unknown as [Array<{ k: string; status: string; s: string | null; img: string | null; answer: unknown }>];
	const stored = new Map(rows.map((r) => [r.k, r]));
	const decisions: Record<string, number> = {};
	let lost = 0;
	for (const o of answered) {
		const a = o.answer as { decision: string; reason: string; session_id: string | null; capture_id: string };
		decisions[`${a.decision}/${a.reason}`] = (decisions[`${a.decision}/${a.reason}`] ?? 0) + 1;
		const row = stored.get(o.key);
		const kept = typeof row?.answer === 'string' ? JSON.parse(row.answer) : row?.answer;
		// told to the gate but not what the database holds: an acknowledged decision was lost
		if (!row || row.status !== 'done' || (kept as { capture_id?: string })?.capture_id !== a.capture_id) lost++;
	}
	const opened = new Set<string>();
	for (const r of rows) {
		const a = (typeof r.answer === 'string' ? JSON.parse(r.answer) : r.answer) as { decision?: string; reason?: string; session_id?: string } | null;
		if (a?.decision === 'open' && (a.reason === 'welcome' || a.reason === 'permit') && a.session_id) opened.add(a.session_id);
	}
	const [sessionRows] = (await c.query('SELECT id FROM parking_sessions WHERE lot_id = ?', [lot.id])) as unknown as [Array<{ id: string }>];
	const sessionIds = new Set(sessionRows.map((r) => r.id));
	const duplicateSessions = [...sessionIds].filter((id) => !opened.has(id)).length;
	const missingSessions = [...opened].filter((id) => !sessionIds.has(id)).length;
	lost += missingSessions;

	// images: every stored capture's photo is in S3; the spooled ones got there later
	let imagesMissing = 0;
	for (const r of rows) if (r.img && !(await s3Direct.get(r.img))) imagesMissing++;
	const uploadedLater = [...spooled].filter((k) => rows.some((r) => r.img === k)).length;
	const spooledInS3 = await Promise.all([...spooled].map(async (k) => (await s3Direct.get(k)) !== null));

	// SMS: one confirmation per payment taken
	const atTwilio = new Map<string, number>();
	for (const m of twilio?.fake.messages ?? []) {
		const plate = /received for (KA01FT\d{4})/.exec(m.body)?.[1];
		if (plate) atTwilio.set(plate, (atTwilio.get(plate) ?? 0) + 1);
	}
	const smsLost = twilio ? paidPlates.filter((p) => !atTwilio.has(p)).length : null;
	const smsDuplicated = twilio ? paidPlates.filter((p) => (atTwilio.get(p) ?? 0) > 1).length : null;

	// recovery: from the database answering again to the first capture answered after it (no restart)
	const firstOkAfterBack = Math.min(...attempts.filter((a) => a.status === 200 && a.at >= dbBackAt).map((a) => a.at + a.ms));
	const fast503 = status503.map((a) => a.ms);

	console.log('\n| requests | 503s | 503s with Retry-After | retries | decisions | sessions created | duplicates | lost | unanswered | images spooled | uploaded later | images missing |');
	console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
	console.log(
		`| ${attempts.length} | ${status503.length} | ${status503.filter((a) => a.retryAfter !== null).length} | ${retries} | ${answered.length} | ${sessionIds.size} | ${duplicateSessions + differing} | ${lost} | ${unanswered} | ${spooled.size} | ${spooledInS3.filter(Boolean).length} | ${imagesMissing} |`
	);
	console.log(`\nrequests: ${total} captures (${doubles.length} of them sent twice) in ${attempts.length} HTTP attempts; answers other than 200: ${JSON.stringify(byCode)}`);
	console.log(`503 latency: p50 ${quantile(fast503, 0.5).toFixed(0)} ms, p99 ${quantile(fast503, 0.99).toFixed(0)} ms, max ${fast503.length ? Math.max(...fast503).toFixed(0) : '-'} ms (fail fast, no hang)`);
	console.log(`recovery: the first capture answered ${((firstOkAfterBack - dbBackAt) / 1000).toFixed(1)} s after MariaDB answered again (the app was not restarted)`);
	console.log(`decisions: ${Object.entries(decisions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
	console.log(`duplicates: ${duplicateSessions} sessions no answer started, ${differing} second sends answered differently; lost: ${lost - missingSessions} acknowledged answers not in the database, ${missingSessions} answered sessions missing`);
	console.log(`images: ${spooled.size} spooled while S3 was away, ${uploadedLater} of them captures' photos, ${spooledInS3.filter(Boolean).length} of the spooled in S3 afterwards; ${imagesMissing} captures without their photo in S3`);
	if (twilio) console.log(`SMS: ${paidPlates.length} payments taken (${payments.length - paidPlates.length} refused while the database was away), ${[...atTwilio.values()].reduce((a, b) => a + b, 0)} confirmations at Twilio; lost ${smsLost}, duplicated ${smsDuplicated}`);
	else console.log('SMS: left out (Twilio’s OpenAPI document is not in ../shared/specs)');
	const ok = duplicateSessions + differing === 0 && lost === 0 && unanswered === 0 && imagesMissing === 0 && (smsLost ?? 0) === 0 && (smsDuplicated ?? 0) === 0;
	console.log(`\ngoal: 0 duplicates, 0 lost, every capture answered, every photo in S3, every SMS once → ${ok ? 'met' : 'not met'}`);
	reportFigures(
		'bench:faults',
		{
			requests: attempts.length,
			status503: status503.length,
			status503WithRetryAfter: status503.filter((a) => a.retryAfter !== null).length,
			retries,
			decisions: answered.length,
			sessions: sessionIds.size,
			duplicated: duplicateSessions + differing,
			lost,
			unanswered,
			imagesSpooled: spooled.size,
			imagesUploadedLater: spooledInS3.filter(Boolean).length,
			imagesMissing,
			recoverySeconds: (firstOkAfterBack - dbBackAt) / 1000,
			smsLost,
			smsDuplicated
		},
		[`${n('gates')} gates, ${rate} captures/s for ${seconds} s; MariaDB ${dbStop} for ${n('db-down')} s, S3 away ${n('s3-down')} s, Twilio away ${n('twilio-down')} s`]
	);
	await c.end();
	if (!ok) process.exitCode = 1;
} finally {
	await app.dispose();
	await db.drop().catch(() => {});
	await twilioProxy?.close();
	await twilio?.close();
	await s3Proxy.close();
	await s3.stop();
	await mariadb.stop();
}
