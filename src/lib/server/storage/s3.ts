/**
 * Images in S3 or an S3-compatible store (MinIO, Ceph, …) through `@aws-sdk/client-s3`.
 * Presigned URLs are SigV4 query signatures: a PUT signs its content type and exact length, so
 * the store itself refuses another type, another size, another key or a late use.
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Config } from '../config.ts';
import { assertValidKey, assertValidPrefix, type ImageStore, type PresignedUpload, type StoredObject, type UploadLimits } from './storage.ts';

/** An S3 client for the configuration. */
export function createS3Client(cfg: S3Config): S3Client {
	return new S3Client({
		region: cfg.region,
		endpoint: cfg.endpoint,
		forcePathStyle: cfg.forcePathStyle,
		credentials: cfg.credentials,
		// Checksums only where S3 demands them: a browser's presigned PUT cannot compute the SDK's
		// CRC32 header, and several S3-compatible stores don't know it.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED',
		maxAttempts: 3,
		// S3 unreachable must not hold a capture for long: the spool takes the image instead
		requestHandler: { connectionTimeout: 2_000, requestTimeout: 15_000 }
	});
}

export class S3ImageStore implements ImageStore {
	readonly backend = 's3' as const;
	readonly #client: S3Client;
	readonly #bucket: string;
	readonly #now: () => number;

	/**
	 * @param client defaults to {@link createS3Client} of `cfg`
	 * @param now the clock presigned URLs are dated with (tests move it)
	 */
	constructor(cfg: S3Config, client: S3Client = createS3Client(cfg), now: () => number = Date.now) {
		this.#client = client;
		this.#bucket = cfg.bucket;
		this.#now = now;
	}

	async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
		assertValidKey(key);
		await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength }));
	}

	async get(key: string): Promise<StoredObject | null> {
		assertValidKey(key);
		try {
			const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
			const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
			return { bytes, contentType: out.ContentType ?? 'application/octet-stream' };
		} catch (error) {
			if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return null;
			throw error;
		}
	}

	async delete(key: string): Promise<void> {
		assertValidKey(key);
		await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
	}

	async listFolders(prefix: string): Promise<string[]> {
		assertValidPrefix(prefix);
		const names: string[] = [];
		let token: string | undefined;
		do {
			const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
			for (const p of page.CommonPrefixes ?? []) if (p.Prefix) names.push(p.Prefix.slice(prefix.length, -1));
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
		return names.sort();
	}

	async listKeys(prefix: string): Promise<string[]> {
		assertValidPrefix(prefix);
		const keys: string[] = [];
		let token: string | undefined;
		do {
			const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken: token }));
			for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
			token = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (token);
		return keys.sort();
	}

	async deleteUnder(prefix: string): Promise<number> {
		assertValidPrefix(prefix);
		let deleted = 0;
		for (;;) {
			// one object at a time: DeleteObjects needs a checksum some S3-compatible stores refuse
			const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, MaxKeys: 1000 }));
			const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined);
			if (!keys.length) return deleted;
			for (const key of keys) await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
			deleted += keys.length;
		}
	}

	async presignPut(key: string, limits: UploadLimits, expiresInSeconds: number): Promise<PresignedUpload> {
		assertValidKey(key);
		const command = new PutObjectCommand({ Bucket: this.#bucket, Key: key, ContentType: limits.contentType, ContentLength: limits.bytes });
		const url = await getSignedUrl(this.#client, command, {
			expiresIn: expiresInSeconds,
			signingDate: new Date(this.#now()),
			// both become part of the signature: another type or size is refused by the store
			signableHeaders: new Set(['content-type', 'content-length'])
		});
		return { key, method: 'PUT', url, headers: { 'content-type': limits.contentType }, expiresAt: this.#now() + expiresInSeconds * 1000 };
	}

	async presignGet(key: string, expiresInSeconds: number): Promise<string> {
		assertValidKey(key);
		return getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.#bucket, Key: key }), { expiresIn: expiresInSeconds, signingDate: new Date(this.#now()) });
	}
}
