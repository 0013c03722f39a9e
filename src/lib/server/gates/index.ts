/** The process's plate reader for gate captures: one worker pool, started on first use (scripts never pay for it). */
import { ReaderPool } from './reader-pool.ts';
import { log } from '../log.ts';
import { ReadError, type CaptureReader } from './reader.ts';

let shared: ReaderPool | undefined;

/** @param size worker threads, on first use only (default: cores − 1) */
export function captureReader(size?: number): CaptureReader {
	try {
		shared ??= new ReaderPool({ size });
	} catch (error) {
		// no worker could be started (the source tree is missing, or threads are exhausted): every
		// read fails as the reader's failure (503), and the next capture tries to start it again
		log('error', 'plate reader not started', { error: String((error as Error)?.message ?? error) });
		return { read: () => Promise.reject(new ReadError('failed', String((error as Error)?.message ?? error))), close: async () => {} };
	}
	return shared;
}
