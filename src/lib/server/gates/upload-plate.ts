/**
 * The original system's `POST /upload_plate`: read the plate of one photo, no decision. A read
 * below the confidence threshold is no read (`plate: null`), as before; its confidence is kept.
 */
import { checkImageSize, ImageError } from '../../lpr/image-header.ts';
import type { CountryOption } from '../../lpr/plate-format.ts';
import { AppError } from '../http/errors.ts';
import { log } from '../log.ts';
import { sniffImageType } from '../http/body.ts';
import { MAX_CAPTURE_PIXELS, ReadError, type CaptureReader } from './reader.ts';

/**
 * @throws {AppError} 415 not a JPEG or PNG, 422 an image that can't be decoded or is too large, 503 reader busy
 */
export async function readUploadedPlate(reader: CaptureReader, image: Uint8Array, threshold: number, country: CountryOption = 'in'): Promise<{ plate: string | null; confidence: number }> {
	const type = sniffImageType(image);
	if (type !== 'image/jpeg' && type !== 'image/png') throw new AppError(415, 'unsupported_media_type', 'Send a JPEG or PNG photo.');
	try {
		checkImageSize(image, MAX_CAPTURE_PIXELS);
		const read = await reader.read(image, country);
		const confidence = Math.round(read.confidence * 1000) / 1000;
		return { plate: read.plate && read.confidence >= threshold ? read.plate : null, confidence };
	} catch (error) {
		if (error instanceof ReadError && (error.kind === 'busy' || error.kind === 'timeout' || error.kind === 'failed')) {
			throw new AppError(503, 'reader_busy', 'The plate reader is busy; retry shortly.', undefined, { 'retry-after': '1' });
		}
		if (error instanceof ImageError || error instanceof ReadError) {
			throw new AppError(422, error.kind === 'too-large' ? 'image_too_large' : 'image_unreadable', `The image can't be used: ${error.message}.`);
		}
		// anything else is the reader's failure (a worker that could not start, say), not the photo's
		log('error', 'plate reader failed', { error: String((error as Error)?.stack ?? error) });
		throw new AppError(503, 'reader_failed', 'The plate reader failed; retry.', undefined, { 'retry-after': '2' });
	}
}
