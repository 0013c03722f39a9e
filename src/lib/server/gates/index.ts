/** The process's plate reader for gate captures: one worker pool, started on first use (scripts never pay for it). */
import { ReaderPool } from './reader-pool.ts';
import type { CaptureReader } from './reader.ts';

let shared: ReaderPool | undefined;

/** @param size worker threads, on first use only (default: cores − 1) */
export function captureReader(size?: number): CaptureReader {
	shared ??= new ReaderPool({ size });
	return shared;
}
