/**
 * The sender against the real `twilio` SDK and a Twilio mock that validates every request
 * against Twilio's OpenAPI document (Prism in front of a stateful fake), with a fault-injecting
 * proxy between them. Both engines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../../tests/support/twilio/fault-proxy.ts';
import { INVALID_NUMBER } from '../../../../tests/support/twilio/fake-twilio.ts';
import { startTwilioMock, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, type TwilioMock } from '../../../../tests/support/twilio/mock.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { createLot } from '../parking/lots.ts';
import { claimDue, findOutbox, updateClaimed } from './outbox.repo.ts';
import { drainOnce } from './sender.ts';
import { fillOutbox, insertOutbox, outboxRow } from './testing.ts';
import { twilioGateway, type SmsGateway } from './twilio-client.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0); // 09:30 IST
const CALLBACK = 'https://parking.example.com/api/v1/webhooks/twilio/status';
const fast = { backoff: { baseMs: 1000, capMs: 60_000 }, statusCallbackUrl: CALLBACK, random: () => 0.5 };

let mock: TwilioMock;
let proxy: FaultProxy;
let gateway: SmsGateway;

beforeAll(async () => {
	mock = await startTwilioMock();
	proxy = await startFaultProxy(mock.url, 7);
	gateway = twilioGateway({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, from: TEST_FROM, apiBaseUrl: proxy.url, timeoutMs: 3_000 });
});
afterAll(async () => {
	await proxy?.close();
	await mock?.close();
});
beforeEach(() => proxy.set({ rate: 0 }));

test('the mock holds the SDK to Twilio’s contract: a message without To is refused (422), without credentials 401', async () => {
	const client = twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN);
	const uri = `${mock.url}/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages.json`;
	const refused = await client.request({ method: 'post', uri, data: { From: TEST_FROM, Body: 'no recipient' } });
	expect(refused.statusCode).toBe(422);
	expect(JSON.stringify(refused.body)).toContain("required property 'To'");
	expect((await fetch(uri, { method: 'POST' })).status).toBe(401);
});

describe.each(ENGINES)('SMS sender on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let db: Database;
	const row = async (id: string) => (await db.run((x) => findOutbox(x, id)))!;
	const atFake = (body: string) => mock.fake.messages.filter((m) => m.body === body);

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		db = tdb.db;
	});
	afterAll(async () => {
		await tdb?.drop();
	});
	beforeEach(async () => {
		if (!skip) await db.run((x) => x.q.delete(x.t.smsOutbox));
	});

	test.skipIf(skip)('a message goes through the SDK to Twilio once; its SID and status are recorded, with our status callback', async () => {
		const m = outboxRow(T0);
		await db.run((x) => insertOutbox(x, m));
		expect(await drainOnce(db, gateway, T0, fast)).toMatchObject({ claimed: 1, accepted: 1 });
		const sent = atFake(m.body);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ to: m.toPhone, from: TEST_FROM, statusCallback: `${CALLBACK}?m=${m.id}`, attempt: '1' });
		expect(await row(m.id)).toMatchObject({ status: 'accepted', twilioSid: sent[0]!.sid, twilioStatus: 'queued', attempts: 1, acceptedAt: T0, claimedBy: expect.any(String) });
		expect(await drainOnce(db, gateway, T0 + 60_000, fast)).toMatchObject({ claimed: 0 });
	});

	test.skipIf(skip)('an invalid number (a 4xx) fails at once with Twilio’s error code, and is not retried', async () => {
		const m = outboxRow(T0, { toPhone: INVALID_NUMBER });
		await db.run((x) => insertOutbox(x, m));
		expect(await drainOnce(db, gateway, T0, fast)).toMatchObject({ failed: 1 });
		expect(await row(m.id)).toMatchObject({ status: 'failed', errorCode: 21211, lastError: expect.stringContaining("Invalid 'To'") });
		expect(await drainOnce(db, gateway, T0 + 3_600_000, fast)).toMatchObject({ claimed: 0 });
	});

	test.skipIf(skip)('a 500 is retried after an exponential, jittered wait; the retry checks Twilio first, finds nothing and sends', async () => {
		const m = outboxRow(T0);
		await db.run((x) => insertOutbox(x, m));
		proxy.set({ rate: 1, faults: ['status500'] });
		expect(await drainOnce(db, gateway, T0, fast)).toMatchObject({ retrying: 1 });
		// first retry: ceiling 1 s, half fixed and half random (0.5) → 750 ms
		expect(await row(m.id)).toMatchObject({ status: 'pending', holdReason: 'retrying', attempts: 1, nextAttemptAt: T0 + 750, ambiguousSince: T0, errorCode: 20500 });
		expect(await drainOnce(db, gateway, T0 + 749, fast)).toMatchObject({ claimed: 0 });
		// the retry first asks Twilio whether the 500 hid a message; that fails too, and counts
		expect(await drainOnce(db, gateway, T0 + 750, fast)).toMatchObject({ retrying: 1 });
		expect(await row(m.id)).toMatchObject({ attempts: 2, nextAttemptAt: T0 + 750 + 1500 }); // second retry: ceiling 2 s
		proxy.set({ rate: 0 });
		expect(await drainOnce(db, gateway, T0 + 2250, fast)).toMatchObject({ accepted: 1 });
		expect(atFake(m.body)).toHaveLength(1);
		expect(atFake(m.body)[0]!.attempt).toBe('3');
	});

	test.skipIf(skip)('a 429 is retried too, and leaves no doubt that Twilio has the message', async () => {
		const m = outboxRow(T0);
		await db.run((x) => insertOutbox(x, m));
		proxy.set({ rate: 1, faults: ['status429'] });
		await drainOnce(db, gateway, T0, fast);
		expect(await row(m.id)).toMatchObject({ status: 'pending', attempts: 1, ambiguousSince: null, errorCode: 20429 });
	});

	test.skipIf(skip)('an answer lost after Twilio took the message: the retry finds it and records it instead of sending again', async () => {
		const m = outboxRow(T0);
		await db.run((x) => insertOutbox(x, m));
		proxy.set({ rate: 1, faults: ['dropAfter'] });
		expect(await drainOnce(db, gateway, T0, fast)).toMatchObject({ retrying: 1 });
		expect(atFake(m.body)).toHaveLength(1); // Twilio has it; we don't know
		proxy.set({ rate: 0 });
		expect(await drainOnce(db, gateway, T0 + 60_000, fast)).toMatchObject({ accepted: 1 });
		expect(atFake(m.body)).toHaveLength(1);
		expect(await row(m.id)).toMatchObject({ status: 'accepted', twilioSid: atFake(m.body)[0]!.sid, attempts: 1 });
	});

	test.skipIf(skip)('a sender that dies mid-send: after its lease another takes the row over, and looks before sending', async () => {
		const [sent, unsent] = [outboxRow(T0), outboxRow(T0)];
		await db.run((x) => fillOutbox(x, [sent, unsent]));
		// sender A claims both, marks its attempts, gets one message to Twilio, and dies
		const claimed = await db.run((x) => claimDue(x, 'sender-a', T0, 30_000, 10));
		expect(claimed.map((r) => r.id).sort()).toEqual([sent.id, unsent.id].sort());
		for (const r of claimed) await db.run((x) => updateClaimed(x, r.id, 'sender-a', { attempts: 1, ambiguousSince: T0 }));
		await gateway.send({ to: sent.toPhone, body: sent.body, attempt: 1 });
		expect(await drainOnce(db, gateway, T0 + 29_999, fast)).toMatchObject({ claimed: 0 }); // still A's
		expect(await drainOnce(db, gateway, T0 + 30_000, fast)).toMatchObject({ claimed: 2, accepted: 2 });
		expect(atFake(sent.body)).toHaveLength(1);
		expect(atFake(unsent.body)).toHaveLength(1);
		// A wakes up: its claim names a token no row holds any more, so it writes nothing
		expect(await db.run((x) => updateClaimed(x, sent.id, 'sender-a', { status: 'failed' }))).toBe(false);
	});

	test.skipIf(skip)('non-urgent messages wait for quiet hours to end in the lot’s zone; urgent ones go at night', async () => {
		const lot = await createLot(db, { name: 'Night Lot', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 5 }, longStayMinutes: 600, imageRetentionDays: 30 }, null, T0);
		const night = Date.UTC(2026, 10, 2, 17, 0); // 22:30 IST
		const [normal, urgent] = [outboxRow(night, { lotId: lot.id, priority: 'normal' }), outboxRow(night, { lotId: lot.id, priority: 'urgent' })];
		await db.run((x) => fillOutbox(x, [normal, urgent]));
		expect(await drainOnce(db, gateway, night, { ...fast, quietHours: { fromMinute: 21 * 60, untilMinute: 8 * 60 } })).toMatchObject({ deferred: 1, accepted: 1 });
		expect(await row(normal.id)).toMatchObject({ status: 'pending', holdReason: 'quiet hours', nextAttemptAt: Date.UTC(2026, 10, 3, 2, 30), attempts: 0 });
	});

	test.skipIf(skip)('after the last attempt a message fails for good, saying why', async () => {
		const m = outboxRow(T0, { attempts: 11, ambiguousSince: null });
		await db.run((x) => insertOutbox(x, m));
		proxy.set({ rate: 1, faults: ['dropBefore'] });
		await drainOnce(db, gateway, T0, fast); // attempt 12 of 12
		expect(await row(m.id)).toMatchObject({ status: 'failed', attempts: 12, lastError: expect.stringMatching(/^gave up after 12 attempts/) });
	});

	test.skipIf(skip)(
		'two sender processes through 500s, 429s and dropped connections: every message is delivered exactly once',
		async () => {
			const dir = mkdtempSync(join(tmpdir(), 'spms-sms-'));
			let url = tdb.url;
			let own: Database | undefined;
			if (engine === 'sqlite') {
				// two processes need a file both open
				url = `sqlite:${join(dir, 'spms.sqlite')}`;
				own = await openDatabase({ engine: 'sqlite', file: url.slice(7) }, resolve(import.meta.dirname, '../../../../drizzle'));
			}
			const target = own ?? db;
			try {
				await target.run((x) => x.q.delete(x.t.smsOutbox));
				const now = Date.now();
				const rows = Array.from({ length: 150 }, (_, i) => outboxRow(now, { toPhone: `+9198765${String(10_000 + (i % 30)).slice(1)}`, body: `Fault test ${i} ${Math.random().toString(36).slice(2)}` }));
				await target.transaction((x) => fillOutbox(x, rows));
				await own?.close();
				own = undefined;
				proxy.set({ rate: 0.35, forMs: 3_000 }); // "for a while", from the first request
				const script = resolve(import.meta.dirname, '../../../../tests/support/twilio/sender-process.ts');
				const run = () =>
					new Promise<string>((ok, fail) => {
						const child = spawn(process.execPath, [script, url, proxy.url], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'error' } });
						let out = '';
						let err = '';
						child.stdout.on('data', (d: Buffer) => (out += d.toString()));
						child.stderr.on('data', (d: Buffer) => (err += d.toString()));
						child.once('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`sender exited ${code}: ${err}`))));
					});
				const totals = (await Promise.all([run(), run()])).map((o) => JSON.parse(o.trim().split('\n').pop()!));
				expect(totals[0].claimed).toBeGreaterThan(0);
				expect(totals[1].claimed).toBeGreaterThan(0);
				expect(Object.values(proxy.injected).every((n) => n > 0)).toBe(true);
				const reopened = engine === 'sqlite' ? await openDatabase({ engine: 'sqlite', file: url.slice(7) }, resolve(import.meta.dirname, '../../../../drizzle')) : db;
				const after = await reopened.run((x) => x.q.select().from(x.t.smsOutbox));
				if (engine === 'sqlite') await reopened.close();
				const lost = rows.filter((r) => atFake(r.body).length === 0).length;
				const duplicated = rows.filter((r) => atFake(r.body).length > 1).length;
				expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
				expect(after.every((r) => r.status === 'accepted')).toBe(true);
				for (const r of after) expect(r.twilioSid).toBe(atFake(r.body)[0]!.sid);
			} finally {
				await own?.close();
				rmSync(dir, { recursive: true, force: true });
			}
		},
		120_000
	);
});

test('faults are counted by kind', () => {
	expect(Object.keys(proxy.injected).sort()).toEqual(['dropAfter', 'dropBefore', 'status429', 'status500']);
});
