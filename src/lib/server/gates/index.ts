/** The process's plate reader for gate captures: one worker pool, started on first use (scripts never pay for it). */
import { ReaderPool } from './reader-pool.ts';
import type { CaptureReader } from './reader.ts';

let shared: ReaderPool | undefined;

export function captureReader(): CaptureReader {
	shared ??= new ReaderPool();
	return shared;
}
