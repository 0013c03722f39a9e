/**
 * What the capture service needs from plate recognition: one read of one image. The server uses
 * {@link ReaderPool} (the `src/lib/lpr` pipeline in worker threads); tests of the decision rules
 * pass a deterministic reader instead.
 */
import type { CountryOption } from '../../lpr/plate-format.ts';

export interface PlateReading {
	/** The best plate's text after the country's format rules; null when no plate was found. */
	plate: string | null;
	/** 0..1; 0 without a plate. */
	confidence: number;
	/** Whether `plate` fits the country's plate format. */
	valid: boolean;
}

/** Why an image could not be read: the caller's fault (4xx), or ours (busy / failed). */
export type ReadFailure = 'empty' | 'unsupported-format' | 'truncated' | 'corrupt' | 'too-large' | 'busy' | 'timeout' | 'failed';

export class ReadError extends Error {
	override name = 'ReadError';
	readonly kind: ReadFailure;
	constructor(kind: ReadFailure, message: string) {
		super(message);
		this.kind = kind;
	}
}

export interface CaptureReader {
	/**
	 * Reads the plate of a gate photo (JPEG or PNG bytes).
	 * @throws {ReadError} for an image that can't be decoded (its kind says why), or when the
	 *   reader is overloaded or failed
	 */
	read(image: Uint8Array, country: CountryOption): Promise<PlateReading>;
	close(): Promise<void>;
}

/** Gate photos above this are refused from their header, before any decoding (a 640×480 camera is 0.3 MP). */
export const MAX_CAPTURE_PIXELS = 12_000_000;
