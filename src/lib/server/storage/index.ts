/**
 * The configured image store: S3 when `AWS_S3_BUCKET` is set (with a local spool under
 * `DATA_DIR/spool` for while S3 is away), else local disk under `DATA_DIR/images`.
 */
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { LocalImageStore } from './local.ts';
import { S3ImageStore } from './s3.ts';
import { SpoolingImageStore } from './spool.ts';
import type { ImageStore } from './storage.ts';

export function createImageStore(cfg: Pick<Config, 's3' | 'dataDir'>): ImageStore {
	return cfg.s3 ? new SpoolingImageStore(new S3ImageStore(cfg.s3), join(cfg.dataDir, 'spool')) : new LocalImageStore(join(cfg.dataDir, 'images'));
}

export * from './storage.ts';
export { LocalImageStore } from './local.ts';
export { S3ImageStore } from './s3.ts';
export { SpoolingImageStore, startSpoolUploads } from './spool.ts';
