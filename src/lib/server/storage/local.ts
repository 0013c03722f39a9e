/**
 * Images on local disk under one folder (the embedded default: `DATA_DIR/images`). There is no
 * storage server to presign for, so this backend signs its own URLs to the app's
 * `/api/v1/storage/{key}` route with an HMAC key kept beside the images: the same rules as S3's
 * presigned URLs (one key, one method, an expiry, and for PUT one content type and exact size).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { newId } from '../../id.ts';
import { assertValidKey, assertValidPrefix, contentTypeOfKey, isValidKey, type ImageStore, type PresignedUpload, type StoredObject, type UploadLimits } from './storage.ts';

/** Path of the route that serves and accepts signed requests (see `src/routes/api/v1/storage`). */
export const LOCAL_ROUTE = '/api/v1/storage/';

export interface SignedParams {
	expires: string | null;
	signature: string | null;
	contentType?: string | null;
	bytes?: string | null;
}

export class LocalImageStore implements ImageStore {
	readonly backend = 'local' as const;
	readonly #dir: string;
	readonly #secret: Buffer;
	readonly #now: () => number;

	/**
	 * @param dir the folder (made if missing); its `.signing-key` is made on first use
	 * @param now the clock (tests move it)
	 */
	constructor(dir: string, now: () => number = Date.now) {
		this.#dir = dir;
		this.#now = now;
		mkdirSync(dir, { recursive: true });
		const keyFile = join(dir, '.signing-key');
		try {
			this.#secret = readFileSync(keyFile);
		} catch {
			const secret = randomBytes(32);
			try {
				writeFileSync(keyFile, secret, { mode: 0o600, flag: 'wx' });
				this.#secret = secret;
			} catch {
				this.#secret = readFileSync(keyFile); // another process made it first
			}
		}
	}

	#path(key: string): string {
		assertValidKey(key);
		return join(this.#dir, key);
	}

	async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
		const path = this.#path(key);
		if (contentTypeOfKey(key) !== contentType) throw new Error(`${key} does not hold ${contentType}`);
		await mkdir(dirname(path), { recursive: true });
		// write aside, then rename: a reader never sees half a file
		const temp = `${path}.${newId()}.tmp`;
		await writeFile(temp, bytes);
		await rename(temp, path);
	}

	async get(key: string): Promise<StoredObject | null> {
		try {
			return { bytes: new Uint8Array(await readFile(this.#path(key))), contentType: contentTypeOfKey(key) };
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
	}

	async delete(key: string): Promise<void> {
		await rm(this.#path(key), { force: true });
	}

	async listFolders(prefix: string): Promise<string[]> {
		assertValidPrefix(prefix);
		try {
			return (await readdir(join(this.#dir, prefix), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw error;
		}
	}

	async listKeys(prefix: string): Promise<string[]> {
		assertValidPrefix(prefix);
		try {
			const entries = await readdir(join(this.#dir, prefix), { recursive: true, withFileTypes: true });
			return entries
				.filter((e) => e.isFile())
				.map((e) => relative(this.#dir, join(e.parentPath, e.name)).split(sep).join('/'))
				.filter(isValidKey) // not the .tmp files of a put in progress
				.sort();
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw error;
		}
	}

	async deleteUnder(prefix: string): Promise<number> {
		assertValidPrefix(prefix);
		const dir = join(this.#dir, prefix);
		let files: string[];
		try {
			files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
			throw error;
		}
		await rm(dir, { recursive: true, force: true });
		return files.length;
	}

	async presignPut(key: string, limits: UploadLimits, expiresInSeconds: number): Promise<PresignedUpload> {
		assertValidKey(key);
		const expires = Math.floor(this.#now() / 1000) + expiresInSeconds;
		const signature = this.#sign(['PUT', key, String(expires), limits.contentType, String(limits.bytes)]);
		const query = new URLSearchParams({ expires: String(expires), type: limits.contentType, bytes: String(limits.bytes), signature });
		return {
			key,
			method: 'PUT',
			url: `${LOCAL_ROUTE}${key}?${query}`,
			headers: { 'content-type': limits.contentType },
			expiresAt: expires * 1000
		};
	}

	async presignGet(key: string, expiresInSeconds: number): Promise<string> {
		assertValidKey(key);
		const expires = Math.floor(this.#now() / 1000) + expiresInSeconds;
		const signature = this.#sign(['GET', key, String(expires)]);
		return `${LOCAL_ROUTE}${key}?${new URLSearchParams({ expires: String(expires), signature })}`;
	}

	/**
	 * Checks a signed request made from {@link presignGet} or {@link presignPut}: the signature
	 * over exactly these values, and the expiry not passed.
	 */
	verify(method: 'GET' | 'PUT', key: string, params: SignedParams): boolean {
		const { expires, signature } = params;
		if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return false;
		if (Number(expires) * 1000 < this.#now()) return false;
		const fields = method === 'GET' ? ['GET', key, expires] : ['PUT', key, expires, params.contentType ?? '', params.bytes ?? ''];
		const expected = Buffer.from(this.#sign(fields), 'hex');
		const given = Buffer.from(signature, 'hex');
		return given.length === expected.length && timingSafeEqual(given, expected);
	}

	#sign(fields: string[]): string {
		return createHmac('sha256', this.#secret).update(fields.join('\n')).digest('hex');
	}
}
