/**
 * The spool against a real S3-compatible server (tests/support/s3-server.ts) behind a TCP proxy
 * that takes it away: puts keep succeeding while S3 is unreachable, the images wait on disk and
 * are uploaded once each when it is back — after a restart too, and with two uploaders on one
 * folder.
 */
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startS3Server, type TestS3Server } from '../../../../tests/support/s3-server.ts';
import { startTcpProxy, type TcpProxy } from '../../../../tests/support/tcp-proxy.ts';
import { AppError } from '../http/errors.ts';
import { S3ImageStore } from './s3.ts';
import { SpoolingImageStore } from './spool.ts';
import { newKey } from './storage.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const jpeg = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, n & 0xff, (n >> 8) & 0xff, 0xff, 0xd9]);

let s3: TestS3Server;
let proxy: TcpProxy;
let direct: S3ImageStore;
let dir: string;

beforeAll(async () => {
	s3 = await startS3Server('spms-spool');
	proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(s3.url).port) });
	direct = new S3ImageStore(s3.config);
});
afterAll(async () => {
	await proxy?.close();
	await s3?.stop();
});
beforeEach(async () => {
	await proxy.restore();
	dir = mkdtempSync(join(tmpdir(), 'spms-spool-'));
	return () => rmSync(dir, { recursive: true, force: true });
});

/** A store as an app instance makes it, reaching S3 through the proxy. */
function open(options: ConstructorParameters<typeof SpoolingImageStore>[2] = {}) {
	const remote = new S3ImageStore({ ...s3.config, endpoint: `http://127.0.0.1:${proxy.port}` });
	return new SpoolingImageStore(remote, dir, options);
}

describe('S3 reachable', () => {
	test('a put goes straight to S3; nothing is spooled', async () => {
		const store = open();
		const key = newKey('captures/', 'image/jpeg', T0, 'gate-1');
		await store.put(key, jpeg(1), 'image/jpeg');
		expect((await direct.get(key))?.bytes).toEqual(jpeg(1));
		expect(await store.spooledKeys()).toEqual([]);
		expect(store.stats).toEqual({ spooled: 0, uploaded: 0 });
	});

	test('a key the application could not have made is refused, not spooled', async () => {
		await proxy.cut('refuse');
		await expect(open().put('../../etc/x.jpg', jpeg(1), 'image/jpeg')).rejects.toBeInstanceOf(AppError);
		expect(readdirSync(dir)).toEqual([]);
	});
});

describe('S3 unreachable', () => {
	test('puts succeed into the spool, readable there; uploaded once when S3 is back; a second round has nothing to do', async () => {
		const store = open({ retryMs: 60_000 });
		await proxy.cut('refuse');
		const keys = [1, 2, 3].map((i) => newKey('captures/', 'image/jpeg', T0, `gate-${i}`));
		for (const [i, key] of keys.entries()) await store.put(key, jpeg(i), 'image/jpeg');
		expect(store.remoteDown).toBe(true);
		expect(await store.spooledKeys()).toEqual([...keys].sort());
		expect((await store.get(keys[1]!))?.bytes).toEqual(jpeg(1));

		// still away: the round fails at its first file and keeps everything
		expect(await store.uploadSpooled()).toEqual({ uploaded: 0, failed: 1, left: 3 });
		await proxy.restore();
		for (const key of keys) expect(await direct.get(key)).toBeNull();
		expect(await store.uploadSpooled()).toEqual({ uploaded: 3, failed: 0, left: 0 });
		for (const [i, key] of keys.entries()) expect((await direct.get(key))?.bytes).toEqual(jpeg(i));
		expect(await store.uploadSpooled()).toEqual({ uploaded: 0, failed: 0, left: 0 });
		expect(store.stats).toEqual({ spooled: 3, uploaded: 3 });
		// S3 answered again: the next put goes to it, not to the spool
		expect(store.remoteDown).toBe(false);
		const after = newKey('captures/', 'image/jpeg', T0, 'gate-9');
		await store.put(after, jpeg(9), 'image/jpeg');
		expect(await store.spooledKeys()).toEqual([]);
		expect((await direct.get(after))?.bytes).toEqual(jpeg(9));
	});

	test('the spool survives a restart: a new process uploads what the old one spooled, including a file it was uploading when it died', async () => {
		await proxy.cut('refuse');
		const before = open();
		const keys = [1, 2].map((i) => newKey('captures/', 'image/jpeg', T0, `gate-r${i}`));
		for (const [i, key] of keys.entries()) await before.put(key, jpeg(10 + i), 'image/jpeg');
		// the dead process had claimed the second file for upload (its pid is gone)
		const claimed = join(dir, keys[1]!);
		renameSync(claimed, `${claimed}.999999999.uploading`);
		await proxy.restore();

		const after = open();
		expect(await after.uploadSpooled()).toEqual({ uploaded: 2, failed: 0, left: 0 });
		for (const [i, key] of keys.entries()) expect((await direct.get(key))?.bytes).toEqual(jpeg(10 + i));
	});

	test('two uploaders on one spool folder upload each file once between them', async () => {
		await proxy.cut('refuse');
		const writer = open();
		const keys = Array.from({ length: 20 }, (_, i) => newKey('captures/', 'image/jpeg', T0, `gate-t${i}`));
		for (const [i, key] of keys.entries()) await writer.put(key, jpeg(100 + i), 'image/jpeg');
		await proxy.restore();
		const [a, b] = await Promise.all([open().uploadSpooled(), open().uploadSpooled()]);
		expect(a.uploaded + b.uploaded).toBe(20);
		expect(a.failed + b.failed).toBe(0);
		for (const [i, key] of keys.entries()) expect((await direct.get(key))?.bytes).toEqual(jpeg(100 + i));
	});

	test('a full spool refuses the put (the capture answers 503), and a silent network is given up on', async () => {
		await proxy.cut('refuse');
		const store = open({ maxBytes: 20 });
		await store.put(newKey('captures/', 'image/jpeg', T0, 'gate-f'), jpeg(1), 'image/jpeg');
		await store.put(newKey('captures/', 'image/jpeg', T0, 'gate-f'), jpeg(2), 'image/jpeg');
		await expect(store.put(newKey('captures/', 'image/jpeg', T0, 'gate-f'), jpeg(3), 'image/jpeg')).rejects.toThrow();
		expect((await store.spooledKeys()).length).toBe(2);

		// packets dropped, not refused: the client's connection timeout ends the wait and the image is spooled
		await proxy.cut('blackhole');
		const silent = open();
		const key = newKey('captures/', 'image/jpeg', T0, 'gate-b');
		await silent.put(key, jpeg(4), 'image/jpeg');
		expect(await silent.spooledKeys()).toContain(key);
	});
});
