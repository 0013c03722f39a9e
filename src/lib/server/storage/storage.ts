/**
 * Image storage: one interface, two backends — local disk under `DATA_DIR/images` (the embedded
 * default) and S3 or an S3-compatible store. Browsers never receive storage credentials: they
 * upload with a presigned PUT bound to one key, one content type and one exact size, and view
 * through short-lived presigned GET URLs (local disk: the signed `/api/v1/storage/…` route).
 */
import { z } from 'zod';
import { newId } from '../../id.ts';
import { AppError } from '../http/errors.ts';

export interface StoredObject {
	bytes: Uint8Array;
	contentType: string;
}

/** What a presigned PUT lets its holder send: exactly this type and this many bytes. */
export interface UploadLimits {
	contentType: string;
	bytes: number;
}

export interface PresignedUpload {
	key: string;
	method: 'PUT';
	url: string;
	/** Headers the upload must carry exactly as given (they are part of the signature). */
	headers: Record<string, string>;
	expiresAt: number;
}

export interface ImageStore {
	readonly backend: 'local' | 's3';
	/** Stores `bytes` under `key`, replacing what was there. */
	put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
	/** The object, or null when there is none. */
	get(key: string): Promise<StoredObject | null>;
	/** Deletes the object; deleting a missing key is not an error. */
	delete(key: string): Promise<void>;
	/** A URL that accepts one PUT of `limits` to `key` until it expires. */
	presignPut(key: string, limits: UploadLimits, expiresInSeconds: number): Promise<PresignedUpload>;
	/** A URL that serves `key` until it expires (relative for local disk, absolute for S3). */
	presignGet(key: string, expiresInSeconds: number): Promise<string>;
	/** The names of the "folders" directly under `prefix` (which ends in `/`), sorted. */
	listFolders(prefix: string): Promise<string[]>;
	/** Deletes every object under `prefix`; returns how many. */
	deleteUnder(prefix: string): Promise<number>;
	/** The keys of every object under `prefix` (a folder, ending in `/`), at any depth, sorted. */
	listKeys(prefix: string): Promise<string[]>;
}

/** Content types stored, with the extension their keys end in. */
export const IMAGE_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

/** Where each kind of image lives: a key never leaves its prefix. */
export const KEY_PREFIXES = ['captures/', 'evidence/'] as const;
export type KeyPrefix = (typeof KEY_PREFIXES)[number];

const KEY = /^(captures|evidence)\/[a-z0-9][a-z0-9/_-]{0,200}\.(jpg|png|webp)$/;

/** True for a key this application could have made (no `..`, no leading slash, a known prefix and extension). */
export function isValidKey(key: string): boolean {
	return KEY.test(key) && !key.includes('//');
}

/** @throws {AppError} 400 `invalid_key` */
export function assertValidKey(key: string): void {
	if (!isValidKey(key)) throw new AppError(400, 'invalid_key', 'That is not an image key of this application.');
}

const PREFIX = /^(captures|evidence)\/([a-z0-9][a-z0-9_-]{0,63}\/){0,4}$/;

/** @throws {Error} for a prefix that isn't a folder of this application's keys */
export function assertValidPrefix(prefix: string): void {
	if (!PREFIX.test(prefix)) throw new Error(`not an image folder: ${prefix}`);
}

/** The content type a key's extension stands for. */
export function contentTypeOfKey(key: string): ImageType {
	const ext = key.slice(key.lastIndexOf('.') + 1);
	const found = Object.entries(IMAGE_TYPES).find(([, e]) => e === ext);
	return (found?.[0] ?? 'application/octet-stream') as ImageType;
}

/** A key's folder name for `scope` (a gate or lot id). */
export const scopeFolder = (scope: string) => scope.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 64);

/**
 * A new key under `prefix`, by scope (a gate, a lot) and then UTC day, so a store can be browsed,
 * and pruned a day at a time.
 * @example newKey('captures/', 'image/jpeg', Date.UTC(2026, 0, 2), 'gate1') // 'captures/gate1/2026-01-02/<id>.jpg'
 */
export function newKey(prefix: KeyPrefix, contentType: ImageType, at: number, scope?: string): string {
	const day = new Date(at).toISOString().slice(0, 10);
	const folder = scope ? `${scopeFolder(scope)}/` : '';
	return `${prefix}${folder}${day}/${newId()}.${IMAGE_TYPES[contentType]}`;
}

export interface UploadRequest {
	prefix: KeyPrefix;
	contentType: string;
	bytes: number;
	scope?: string;
}

/** Evidence photos: at most 8 MB, JPEG/PNG/WebP, a link good for 5 minutes. */
export const UPLOAD_POLICY = { maxBytes: 8 * 1024 * 1024, expiresInSeconds: 300 } as const;

/**
 * Issues a presigned upload under the policy: a key the server chooses under `prefix`, the declared
 * content type (an image type) and exact size (up to the policy's maximum).
 * @throws {AppError} 415 for another type, 413 for a size above the limit, 422 for a size below 1
 */
export async function issueUpload(store: ImageStore, request: UploadRequest, now: number, policy = UPLOAD_POLICY): Promise<PresignedUpload> {
	if (!Object.hasOwn(IMAGE_TYPES, request.contentType)) throw new AppError(415, 'unsupported_media_type', `Upload a JPEG, PNG or WebP image, not ${request.contentType}.`);
	if (!Number.isInteger(request.bytes) || request.bytes < 1) throw new AppError(422, 'validation_failed', 'Give the exact size in bytes.', { bytes: 'a whole number, 1 or more' });
	if (request.bytes > policy.maxBytes) throw new AppError(413, 'payload_too_large', `An upload is at most ${policy.maxBytes / 2 ** 20} MB.`);
	const key = newKey(request.prefix, request.contentType as ImageType, now, request.scope);
	return store.presignPut(key, { contentType: request.contentType, bytes: request.bytes }, policy.expiresInSeconds);
}

/** The body of `POST /api/v1/evidence-uploads`. */
export const uploadRequestSchema = z.strictObject({
	lotId: z.string().min(1).max(64),
	contentType: z.string().min(1).max(100),
	bytes: z.int('a whole number of bytes').min(1, '1 byte or more')
});
