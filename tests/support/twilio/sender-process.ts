/**
 * Test support: one sender process, as an app instance runs it, until the outbox has nothing left
 * to send. `node sender-process.ts <database-url> <twilio-base-url>`; prints its totals as JSON.
 * The multi-sender tests and the bench start two of these against one database.
 */
import { resolve } from 'node:path';
import { openDatabase } from '../../../src/lib/server/db/database.ts';
import { drainOnce, type DrainResult } from '../../../src/lib/server/sms/sender.ts';
import { twilioGateway } from '../../../src/lib/server/sms/twilio-client.ts';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM } from './mock.ts';
import { and, count, inArray } from 'drizzle-orm';

const [url, twilioUrl] = process.argv.slice(2);
if (!url || !twilioUrl) throw new Error('usage: sender-process.ts <database-url> <twilio-base-url>');
const db = await openDatabase(url.startsWith('sqlite:') ? { engine: 'sqlite', file: url.slice(7) } : { engine: 'mysql', url }, resolve(import.meta.dirname, '../../../drizzle'));
const gateway = twilioGateway({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, from: TEST_FROM, apiBaseUrl: twilioUrl, timeoutMs: 2_000 });
// short waits, so that a test's faults are ridden out in seconds; a lease well past the timeout
const options = { backoff: { baseMs: 50, capMs: 400 }, leaseMs: 8_000, batchSize: 20, concurrency: 4, maxAttempts: 1000 };
const total: DrainResult = { claimed: 0, accepted: 0, retrying: 0, failed: 0, cancelled: 0, deferred: 0, lost: 0 };
for (;;) {
	const r = await drainOnce(db, gateway, Date.now(), options);
	for (const k of Object.keys(total) as Array<keyof DrainResult>) total[k] += r[k];
	if (r.claimed > 0) continue;
	const [left] = await db.run((x) => x.q.select({ n: count() }).from(x.t.smsOutbox).where(and(inArray(x.t.smsOutbox.status, ['pending', 'sending']))));
	if (Number(left!.n) === 0) break;
	await new Promise((r) => setTimeout(r, 25));
}
await db.close();
console.log(JSON.stringify(total));
