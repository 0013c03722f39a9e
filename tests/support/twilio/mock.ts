/**
 * Test support: a Twilio REST API mock made from Twilio's own OpenAPI document
 * (`../shared/specs/twilio/twilio_api_v2010.json`). Prism runs in proxy mode with `--errors` in
 * front of the stateful fake (`fake-twilio.ts`): every request the SDK sends is validated against
 * Twilio's contract (a violation is answered 422, as Prism does) and every answer the fake gives
 * is validated too (a violation is a 500), so the fake cannot drift from the real API unnoticed.
 * Both listen on 127.0.0.1; `close()` stops them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.ts';

export const TWILIO_SPEC = resolve(import.meta.dirname, '../../../../shared/specs/twilio/twilio_api_v2010.json');
const PRISM = resolve(import.meta.dirname, '../../../node_modules/.bin/prism');

export const TEST_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TEST_AUTH_TOKEN = 'test-auth-token-0123456789';
export const TEST_FROM = '+14155550100';

export interface TwilioMock {
	/** Prism's URL: point the SDK here (TWILIO_API_BASE_URL) */
	url: string;
	fake: FakeTwilio;
	close(): Promise<void>;
}

export function twilioSpecAvailable(): boolean {
	return existsSync(TWILIO_SPEC);
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const s = createServer();
		s.once('error', rej);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => res(port));
		});
	});
}

/** Starts the fake and Prism in front of it; resolves once Prism listens (a few seconds). */
export async function startTwilioMock(accountSid = TEST_ACCOUNT_SID, authToken = TEST_AUTH_TOKEN): Promise<TwilioMock> {
	if (!twilioSpecAvailable()) throw new Error(`Twilio's OpenAPI document is missing: ${TWILIO_SPEC}`);
	const fake = await startFakeTwilio(accountSid, authToken);
	const port = await freePort();
	const child: ChildProcess = spawn(PRISM, ['proxy', '-h', '127.0.0.1', '-p', String(port), '--errors', '-v', 'error', TWILIO_SPEC, fake.url], { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	await new Promise<void>((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`Prism did not start in 60 s:\n${output}`)), 60_000);
		const probe = setInterval(async () => {
			try {
				// any HTTP answer means it listens (401: no credentials)
				await fetch(`http://127.0.0.1:${port}/2010-04-01/Accounts/${accountSid}/Messages.json`);
				clearInterval(probe);
				clearTimeout(timer);
				ready();
			} catch {
				// not yet
			}
		}, 250);
		child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
		child.once('exit', (code) => {
			clearInterval(probe);
			clearTimeout(timer);
			fail(new Error(`Prism exited (${code}):\n${output}`));
		});
	});
	return {
		url: `http://127.0.0.1:${port}`,
		fake,
		async close() {
			if (child.exitCode === null) {
				const exited = new Promise((r) => child.once('exit', r));
				child.kill('SIGTERM');
				await exited;
			}
			await fake.close();
		}
	};
}
