/**
 * A real S3-compatible server for tests, on 127.0.0.1 and a free port: `@20minutes/s3rver`, the
 * maintained fork of s3rver that checks SigV4 signatures (the original 3.x accepts tampered
 * presigned URLs, so it can't prove anything about them). The bucket is made at start-up
 * (`configureBuckets`): this server mishandles SDK v3's bucket-level calls, which send `/bucket/`
 * with a trailing slash — {@link stripBucketSlash} is the client-side fix when a test needs them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../src/lib/server/config.ts';

interface S3rverInstance {
	run(): Promise<{ port: number; address: string }>;
	close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export interface TestS3Server {
	config: S3Config;
	/** Base URL, e.g. http://127.0.0.1:41234 */
	url: string;
	stop(): Promise<void>;
}

/** The server's built-in account: its only key pair. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startS3Server(bucket = 'spms-test'): Promise<TestS3Server> {
	const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass;
	const directory = mkdtempSync(join(tmpdir(), 'spms-s3-'));
	const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false, configureBuckets: [{ name: bucket }] });
	const { port } = await server.run();
	const url = `http://127.0.0.1:${port}`;
	return {
		url,
		config: { bucket, region: 'us-east-1', endpoint: url, forcePathStyle: true, credentials: S3RVER_CREDENTIALS },
		async stop() {
			await server.close();
			rmSync(directory, { recursive: true, force: true });
		}
	};
}

/** Test-only fix for the server's bucket-level bug: `/bucket/` → `/bucket` before signing. */
export function stripBucketSlash(client: S3Client): void {
	client.middlewareStack.add(
		(next) => async (args) => {
			const request = args.request as { path?: string };
			if (request.path && /^\/[^/]+\/$/.test(request.path)) request.path = request.path.slice(0, -1);
			return next(args);
		},
		{ step: 'build', name: 'stripBucketSlash' }
	);
}
