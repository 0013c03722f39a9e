import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startS3Server, stripBucketSlash, type TestS3Server } from '../../../../tests/support/s3-server.ts';
import { LocalImageStore } from './local.ts';
import { createS3Client, S3ImageStore } from './s3.ts';
import { SpoolingImageStore } from './spool.ts';
import { isValidKey, issueUpload, newKey, type ImageStore } from './storage.ts';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xd9]);
const T0 = Date.UTC(2026, 10, 2, 4, 0);

describe('keys', () => {
	test.each([
		['captures/2026-11-02/gate/abc.jpg', true],
		['evidence/x.png', true],
		['../etc/passwd.jpg', false],
		['/captures/a.jpg', false],
		['captures/../../a.jpg', false],
		['captures//a.jpg', false],
		['other/a.jpg', false],
		['captures/a.exe', false],
		['captures/A.jpg', false]
	])('%s valid: %s', (key, valid) => expect(isValidKey(key)).toBe(valid));

	test('new keys stay under their prefix and scope, named by day', () => {
		const key = newKey('captures/', 'image/jpeg', T0, 'Gate 7/../x');
		expect(key).toMatch(/^captures\/gate-7----x\/2026-11-02\/[a-z2-7]{24}\.jpg$/);
		expect(isValidKey(key)).toBe(true);
	});
});

/** The same contract for both backends. */
function contract(name: string, open: () => ImageStore) {
	describe(`${name}: the storage contract`, () => {
		test('put, get, replace, delete; a missing key is null', async () => {
			const store = open();
			const key = newKey('captures/', 'image/jpeg', T0);
			await store.put(key, JPEG, 'image/jpeg');
			expect(await store.get(key)).toEqual({ bytes: JPEG, contentType: 'image/jpeg' });
			await store.put(key, JPEG.subarray(0, 4), 'image/jpeg');
			expect((await store.get(key))?.bytes).toEqual(JPEG.subarray(0, 4));
			await store.delete(key);
			expect(await store.get(key)).toBeNull();
			await store.delete(key); // twice is fine
			expect(await store.get(newKey('evidence/', 'image/png', T0))).toBeNull();
		});

		test('the upload policy: image types only, a size limit, a server-chosen key under the prefix', async () => {
			const store = open();
			await expect(issueUpload(store, { prefix: 'evidence/', contentType: 'text/html', bytes: 10 }, T0)).rejects.toMatchObject({ status: 415 });
			for (const inherited of ['constructor', 'toString', '__proto__']) await expect(issueUpload(store, { prefix: 'evidence/', contentType: inherited, bytes: 10 }, T0)).rejects.toMatchObject({ status: 415 });
			await expect(issueUpload(store, { prefix: 'evidence/', contentType: 'image/jpeg', bytes: 9 * 2 ** 20 }, T0)).rejects.toMatchObject({ status: 413 });
			await expect(issueUpload(store, { prefix: 'evidence/', contentType: 'image/jpeg', bytes: 0 }, T0)).rejects.toMatchObject({ status: 422 });
			const upload = await issueUpload(store, { prefix: 'evidence/', contentType: 'image/png', bytes: 10, scope: 'lot1' }, T0);
			expect(upload.key).toMatch(/^evidence\/lot1\/2026-11-02\/[a-z2-7]{24}\.png$/);
			expect(upload.headers).toEqual({ 'content-type': 'image/png' });
		});

		test('folders are listed and deleted a prefix at a time', async () => {
			const store = open();
			const scope = `lot${Math.random().toString(36).slice(2, 8)}`;
			const day = (d: number) => Date.UTC(2026, 0, d);
			const keys = [newKey('evidence/', 'image/jpeg', day(1), scope), newKey('evidence/', 'image/jpeg', day(1), scope), newKey('evidence/', 'image/png', day(2), scope)];
			for (const key of keys) await store.put(key, JPEG, key.endsWith('.png') ? 'image/png' : 'image/jpeg');
			expect(await store.listFolders(`evidence/${scope}/`)).toEqual(['2026-01-01', '2026-01-02']);
			expect(await store.listKeys(`evidence/${scope}/`)).toEqual([...keys].sort());
			expect(await store.listKeys(`evidence/${scope}/2026-01-02/`)).toEqual([keys[2]]);
			expect(await store.deleteUnder(`evidence/${scope}/2026-01-01/`)).toBe(2);
			expect(await store.listFolders(`evidence/${scope}/`)).toEqual(['2026-01-02']);
			expect(await store.get(keys[0]!)).toBeNull();
			expect(await store.get(keys[2]!)).not.toBeNull();
			expect(await store.deleteUnder(`evidence/${scope}/2026-01-01/`)).toBe(0);
			expect(await store.listFolders('evidence/nothing-here/')).toEqual([]);
			expect(await store.listKeys('evidence/nothing-here/')).toEqual([]);
			await expect(store.listFolders('evidence/../')).rejects.toThrow(/not an image folder/);
			await expect(store.deleteUnder('evidence')).rejects.toThrow(/not an image folder/);
		});

		test('a bad key is refused before any I/O', async () => {
			await expect(open().put('../x.jpg', JPEG, 'image/jpeg')).rejects.toMatchObject({ status: 400, code: 'invalid_key' });
			await expect(open().presignGet('captures/../../x.jpg', 60)).rejects.toMatchObject({ status: 400 });
		});
	});
}

describe('local disk', () => {
	let dir: string;
	let now = T0;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'spms-images-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	contract('local', () => new LocalImageStore(dir, () => now));

	test('signed URLs: accepted as issued, refused when tampered, re-pointed or expired', async () => {
		const store = new LocalImageStore(dir, () => now);
		const key = newKey('evidence/', 'image/jpeg', T0);
		const params = (url: string) => {
			const q = new URL(url, 'http://x').searchParams;
			return { expires: q.get('expires'), signature: q.get('signature'), contentType: q.get('type'), bytes: q.get('bytes') };
		};
		const put = params((await store.presignPut(key, { contentType: 'image/jpeg', bytes: 14 }, 300)).url);
		expect(store.verify('PUT', key, put)).toBe(true);
		expect(store.verify('PUT', key, { ...put, bytes: '15' })).toBe(false);
		expect(store.verify('PUT', key, { ...put, contentType: 'image/png' })).toBe(false);
		expect(store.verify('PUT', newKey('evidence/', 'image/jpeg', T0), put)).toBe(false);
		expect(store.verify('GET', key, put)).toBe(false);
		const get = params(await store.presignGet(key, 60));
		expect(store.verify('GET', key, get)).toBe(true);
		expect(store.verify('GET', key, { ...get, expires: String(Number(get.expires) + 3600) })).toBe(false);
		expect(store.verify('GET', key, { ...get, signature: get.signature!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) })).toBe(false);
		expect(store.verify('GET', key, { ...get, signature: 'zz' })).toBe(false);
		// a new store on the same folder keeps the signing key: URLs survive a restart
		expect(new LocalImageStore(dir, () => now).verify('GET', key, get)).toBe(true);
		now += 61_000;
		expect(store.verify('GET', key, get)).toBe(false);
		now = T0;
	});
});

describe('S3 against a real S3-compatible server (@20minutes/s3rver, SigV4 checked)', () => {
	let server: TestS3Server;
	let now = Date.now();
	// the bucket-level ListObjectsV2 needs the test server's trailing-slash fix (see s3-server.ts)
	const open = () => {
		const client = createS3Client(server.config);
		stripBucketSlash(client);
		return new S3ImageStore(server.config, client, () => now);
	};
	beforeAll(async () => {
		server = await startS3Server();
	});
	afterAll(async () => {
		await server?.stop();
	});
	contract('s3', open);
	// the app's S3 store: the same contract with its spool in front (S3 reachable: the spool stays empty)
	contract('s3 behind the spool', () => new SpoolingImageStore(open(), mkdtempSync(join(tmpdir(), 'spms-spool-contract-'))));

	test('a presigned PUT from fetch stores the object; a presigned GET serves it', async () => {
		const store = open();
		const upload = await issueUpload(store, { prefix: 'evidence/', contentType: 'image/jpeg', bytes: JPEG.byteLength }, now);
		expect(upload.url.startsWith(`${server.url}/spms-test/evidence/`)).toBe(true);
		const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: JPEG });
		expect(put.status, await put.text()).toBe(200);
		const url = await store.presignGet(upload.key, 60);
		const got = await fetch(url);
		expect(got.status).toBe(200);
		expect(got.headers.get('content-type')).toBe('image/jpeg');
		expect(new Uint8Array(await got.arrayBuffer())).toEqual(JPEG);
	});

	test('a presigned PUT refuses another content type, another size, another key, and a late use', async () => {
		const store = open();
		const upload = await issueUpload(store, { prefix: 'evidence/', contentType: 'image/jpeg', bytes: JPEG.byteLength }, now);
		const tries = [
			fetch(upload.url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: JPEG }),
			fetch(upload.url, { method: 'PUT', headers: upload.headers, body: new Uint8Array(JPEG.byteLength + 1000) }),
			fetch(upload.url.replace('/evidence/', '/captures/'), { method: 'PUT', headers: upload.headers, body: JPEG })
		];
		for (const res of await Promise.all(tries)) expect(res.status).toBe(403);
		now -= 10 * 60_000; // issued ten minutes ago, valid for five
		const old = await issueUpload(store, { prefix: 'evidence/', contentType: 'image/jpeg', bytes: JPEG.byteLength }, now);
		now = Date.now();
		expect((await fetch(old.url, { method: 'PUT', headers: old.headers, body: JPEG })).status).toBe(403);
		expect(await store.get(upload.key)).toBeNull();
		expect(await store.get(old.key)).toBeNull();
	});

	test('a presigned GET refuses a tampered signature, another key, a longer expiry and a late use', async () => {
		const store = open();
		const key = newKey('captures/', 'image/jpeg', now);
		const other = newKey('captures/', 'image/jpeg', now);
		await store.put(key, JPEG, 'image/jpeg');
		await store.put(other, JPEG, 'image/jpeg');
		const url = new URL(await store.presignGet(key, 60));
		expect((await fetch(url)).status).toBe(200);
		const sig = url.searchParams.get('X-Amz-Signature')!;
		const tampered = new URL(url);
		tampered.searchParams.set('X-Amz-Signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
		const repointed = new URL(url.href.replace(key, other));
		const longer = new URL(url);
		longer.searchParams.set('X-Amz-Expires', '604800');
		for (const u of [tampered, repointed, longer]) expect((await fetch(u)).status, u.href).toBe(403);
		now -= 5 * 60_000;
		const expired = await store.presignGet(key, 60);
		now = Date.now();
		expect((await fetch(expired)).status).toBe(403);
	});

	test('a wrong secret is refused by the server', async () => {
		const cfg = { ...server.config, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'wrong' } };
		const store = new S3ImageStore(cfg);
		await expect(store.put(newKey('captures/', 'image/jpeg', now), JPEG, 'image/jpeg')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
	});
});
