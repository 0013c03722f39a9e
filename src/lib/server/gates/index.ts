/** The process's plate reader for gate captures: one worker pool, started on first use (scripts never pay for it). */
import { ReaderPool } from './reader-pool.ts';
import { log } from '../log.ts';
import { observeLprRead } from '../metrics/index.ts';
import { ReadError, type CaptureReader } from './reader.ts';

let shared: CaptureReader | undefined;

/** @param size worker threads, on first use only (default: cores − 1) */
export function captureReader(size?: number): CaptureReader {
	try {
		shared ??= timed(new ReaderPool({ size }));
	} catch (error) {
		// no worker could be started (the source tree is missing, or threads are exhausted): every
		// read fails as the reader's failure (503), and the next capture tries to start it again
		log('error', 'plate reader not started', { error: String((error as Error)?.message ?? error) });
		return { read: () => Promise.reject(new ReadError('failed', String((error as Error)?.message ?? error))), close: async () => {} };
	}
	return shared;
}

/** Every read's latency into `spms_lpr_read_duration_seconds`, by outcome (`ok` or the failure's kind). */
export function timed(reader: CaptureReader): CaptureReader {
	return {
		async read(image, country) {
			const started = performance.now();
			try {
				const result = await reader.read(image, country);
				observeLprRead('ok', (performance.now() - started) / 1000);
				return result;
			} catch (error) {
				observeLprRead(error instanceof ReadError ? error.kind : 'failed', (performance.now() - started) / 1000);
				throw error;
			}
		},
		close: () => reader.close()
	};
}
