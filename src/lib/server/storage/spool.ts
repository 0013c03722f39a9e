/**
 * Images kept on local disk while S3 is away, and uploaded when it is back. A gate's decision must
 * not wait for (or fail with) the image store: when a put to S3 fails, the image is written to the
 * spool folder (`DATA_DIR/spool`, a file per key, written aside and renamed so a file is always
 * whole) and the put succeeds. For a short while after a failure new images go straight to the
 * spool without trying S3 again, so captures don't each wait out S3's timeouts. An uploader, one
 * per app instance (the spool is that instance's disk), moves the spool to S3 every few seconds.
 *
 * Each spooled file is uploaded once: the uploader first claims it by renaming it (atomic; of two
 * uploaders sharing a folder only one wins), puts it, then deletes it. The spool is plain files, so
 * it survives a restart; a claim left by a process that died is taken back on the next round. If
 * a process dies between the put and the delete, the next round puts the same bytes under the
 * same key again: the stored object is the same, as if once.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { newId } from '../../id.ts';
import { AppError } from '../http/errors.ts';
import { log } from '../log.ts';
import { assertValidKey, assertValidPrefix, contentTypeOfKey, isValidKey, type ImageStore, type PresignedUpload, type StoredObject, type UploadLimits } from './storage.ts';

export interface SpoolOptions {
	/** after a failed S3 call, how long new images go straight to the spool; also the uploader's period */
	retryMs: number;
	/** bytes the spool may hold; past them a put fails as S3 did (the disk is the app's too) */
	maxBytes: number;
	/** a put S3 hasn't answered by then is spooled instead (a hung store, not only a refusing one) */
	putTimeoutMs: number;
	/** a claim older than this is taken back even if its process seems alive */
	staleClaimMs: number;
	now: () => number;
}

export const DEFAULT_SPOOL: SpoolOptions = { retryMs: 5_000, maxBytes: 1024 ** 3, putTimeoutMs: 3_000, staleClaimMs: 10 * 60_000, now: Date.now };

/** One upload round's outcome. */
export interface UploadRound {
	uploaded: number;
	/** uploads that failed (S3 still away): their files stay for the next round */
	failed: number;
	/** files still spooled after the round */
	left: number;
}

/** Counts since this process started: images spooled and spooled images uploaded. */
export interface SpoolStats {
	spooled: number;
	uploaded: number;
}

const CLAIM = /\.(\d+)\.uploading$/;

export class SpoolingImageStore implements ImageStore {
	readonly #remote: ImageStore;
	readonly #dir: string;
	readonly #options: SpoolOptions;
	#downUntil = 0;
	#spooledBytes: number | null = null;
	#round: Promise<UploadRound> | null = null;
	readonly #stats: SpoolStats = { spooled: 0, uploaded: 0 };

	/**
	 * @param remote the store images belong in (S3)
	 * @param dir the spool folder, made when first needed
	 */
	constructor(remote: ImageStore, dir: string, options: Partial<SpoolOptions> = {}) {
		this.#remote = remote;
		this.#dir = dir;
		this.#options = { ...DEFAULT_SPOOL, ...options };
	}

	get backend(): ImageStore['backend'] {
		return this.#remote.backend;
	}

	get stats(): Readonly<SpoolStats> {
		return { ...this.#stats };
	}

	/** Whether S3 failed lately (puts go straight to the spool until it answers again). */
	get remoteDown(): boolean {
		return this.#options.now() < this.#downUntil;
	}

	/**
	 * Stores in S3, or in the spool when S3 fails.
	 * @throws {AppError} for a key this application could not have made
	 * @throws S3's error when the image can't be spooled either (spool full, a type its key can't say)
	 */
	async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
		assertValidKey(key);
		let failure: unknown = null;
		if (!this.remoteDown) {
			try {
				// should S3 answer after all, the uploader's later put writes the same bytes again: no harm
				await deadline(this.#remote.put(key, bytes, contentType), this.#options.putTimeoutMs);
				return;
			} catch (error) {
				if (error instanceof AppError) throw error;
				this.#markDown(error);
				failure = error;
			}
		}
		if (contentTypeOfKey(key) !== contentType) throw failure ?? new Error(`${key} can't be spooled as ${contentType}`);
		const used = (this.#spooledBytes ??= await this.#measure());
		if (used + bytes.byteLength > this.#options.maxBytes) {
			log('error', 'image spool full: image not stored', { key, spooled_bytes: used, max_bytes: this.#options.maxBytes });
			throw failure ?? new Error('S3 is unreachable and the image spool is full');
		}
		const path = this.#path(key);
		await mkdir(dirname(path), { recursive: true });
		const temp = `${path}.${newId()}.tmp`;
		await writeFile(temp, bytes);
		await rename(temp, path);
		this.#spooledBytes = used + bytes.byteLength;
		this.#stats.spooled++;
		log('warn', 'image spooled while S3 is unreachable', { key });
	}

	async get(key: string): Promise<StoredObject | null> {
		const path = this.#path(key);
		for (const candidate of [path, ...(await this.#claimsOf(path))]) {
			try {
				return { bytes: new Uint8Array(await readFile(candidate)), contentType: contentTypeOfKey(key) };
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			}
		}
		return this.#remote.get(key);
	}

	async delete(key: string): Promise<void> {
		await rm(this.#path(key), { force: true });
		await this.#remote.delete(key);
	}

	listFolders(prefix: string): Promise<string[]> {
		return this.#remote.listFolders(prefix);
	}

	/** The remote's keys and those still waiting in the spool. */
	async listKeys(prefix: string): Promise<string[]> {
		assertValidPrefix(prefix);
		const spooled = (await this.spooledKeys()).filter((k) => k.startsWith(prefix));
		return [...new Set([...spooled, ...(await this.#remote.listKeys(prefix))])].sort();
	}

	async deleteUnder(prefix: string): Promise<number> {
		assertValidPrefix(prefix);
		const spooled = (await this.spooledKeys()).filter((k) => k.startsWith(prefix));
		for (const key of spooled) await rm(this.#path(key), { force: true });
		this.#spooledBytes = null;
		return spooled.length + (await this.#remote.deleteUnder(prefix));
	}

	presignPut(key: string, limits: UploadLimits, expiresInSeconds: number): Promise<PresignedUpload> {
		return this.#remote.presignPut(key, limits, expiresInSeconds);
	}

	/** A link to S3: a spooled image's link works once the uploader has moved it there. */
	presignGet(key: string, expiresInSeconds: number): Promise<string> {
		return this.#remote.presignGet(key, expiresInSeconds);
	}

	/** The keys waiting in the spool (not those being uploaded right now), sorted. */
	async spooledKeys(): Promise<string[]> {
		return (await this.#files()).filter(isValidKey).sort();
	}

	/**
	 * Uploads what the spool holds, each file once; a round already running is joined, not doubled.
	 * Stops at the first failure (S3 still away) and leaves the rest for the next round.
	 */
	uploadSpooled(): Promise<UploadRound> {
		this.#round ??= this.#upload().finally(() => (this.#round = null));
		return this.#round;
	}

	/**
	 * Runs {@link uploadSpooled} now and every `retryMs` until the returned function is called.
	 * @returns stop
	 */
	startUploads(everyMs = this.#options.retryMs): () => void {
		const tick = () =>
			void this.uploadSpooled()
				.then((r) => {
					if (r.uploaded > 0) log('info', 'spooled images uploaded', { uploaded: r.uploaded, left: r.left });
				})
				.catch((error: unknown) => log('error', 'spool upload round failed', { error: String(error) }));
		tick();
		const timer = setInterval(tick, everyMs);
		timer.unref();
		return () => clearInterval(timer);
	}

	async #upload(): Promise<UploadRound> {
		await this.#takeBackClaims();
		let uploaded = 0;
		let failed = 0;
		for (const key of await this.spooledKeys()) {
			const path = this.#path(key);
			const claim = `${path}.${process.pid}.uploading`;
			try {
				await rename(path, claim);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another uploader took it
				throw error;
			}
			let bytes: Buffer;
			try {
				bytes = await readFile(claim);
				await this.#remote.put(key, bytes, contentTypeOfKey(key));
			} catch (error) {
				await rename(claim, path).catch(() => {});
				failed++;
				this.#markDown(error);
				break;
			}
			await rm(claim, { force: true });
			uploaded++;
			this.#stats.uploaded++;
			if (this.#spooledBytes !== null) this.#spooledBytes = Math.max(0, this.#spooledBytes - bytes.byteLength);
		}
		if (uploaded > 0 && failed === 0) this.#downUntil = 0; // S3 answers again: puts go to it at once
		return { uploaded, failed, left: (await this.spooledKeys()).length };
	}

	/** Claims of processes that died (or of this one, from a round that could not undo its rename). */
	async #takeBackClaims(): Promise<void> {
		const now = this.#options.now();
		for (const file of await this.#files()) {
			const m = CLAIM.exec(file);
			if (!m) continue;
			const pid = Number(m[1]);
			const path = join(this.#dir, file);
			const stale = pid === process.pid || !alive(pid) || (await stat(path).then((s) => now - s.mtimeMs > this.#options.staleClaimMs, () => false));
			if (stale) await rename(path, path.slice(0, -m[0].length)).catch(() => {});
		}
	}

	async #claimsOf(path: string): Promise<string[]> {
		try {
			const base = path.slice(path.lastIndexOf(sep) + 1);
			return (await readdir(dirname(path))).filter((f) => f.startsWith(`${base}.`) && CLAIM.test(f)).map((f) => join(dirname(path), f));
		} catch {
			return [];
		}
	}

	/** Every file under the spool, as paths relative to it with `/` separators. */
	async #files(): Promise<string[]> {
		try {
			const entries = await readdir(this.#dir, { recursive: true, withFileTypes: true });
			return entries.filter((e) => e.isFile()).map((e) => relative(this.#dir, join(e.parentPath, e.name)).split(sep).join('/'));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw error;
		}
	}

	async #measure(): Promise<number> {
		let total = 0;
		for (const file of await this.#files()) total += await stat(join(this.#dir, file)).then((s) => s.size, () => 0);
		return total;
	}

	#path(key: string): string {
		assertValidKey(key);
		return join(this.#dir, key);
	}

	#markDown(error: unknown): void {
		if (!this.remoteDown) log('warn', 'S3 unreachable: images go to the local spool until it answers', { error: String(error), retry_ms: this.#options.retryMs });
		this.#downUntil = this.#options.now() + this.#options.retryMs;
	}
}

function deadline<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`S3 did not answer within ${ms} ms`)), ms);
	});
	return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Starts the uploader of the app's image store when it spools (S3); nothing for local disk. */
export function startSpoolUploads(store: ImageStore): () => void {
	return store instanceof SpoolingImageStore ? store.startUploads() : () => {};
}
