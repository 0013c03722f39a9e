/**
 * Binary request bodies (images from gates and browsers): read with a hard size limit, whether or
 * not the client declared a length, and the image type told from the bytes, not from the header.
 */
import { AppError } from './errors.ts';

const tooLarge = (max: number) =>
	new AppError(413, 'payload_too_large', `The body is larger than ${max >= 2 ** 20 ? `${(max / 2 ** 20).toFixed(1)} MB` : `${Math.ceil(max / 1024)} KB`}.`);

/**
 * Past a body's limit, up to this much more is read and thrown away before the 413 is answered.
 * Cancelling the body instead makes adapter-node destroy the socket, so a client that sent no
 * length (a chunked upload) would get a connection reset rather than the answer. A client still
 * sending after this much is cut off. (adapter-node's own BODY_SIZE_LIMIT usually ends the body
 * first: it errors the stream, and discards the rest itself.)
 */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads the whole body, refusing it as soon as it passes `maxBytes`.
 * @throws {AppError} 413 `payload_too_large`, 400 `body_unreadable`
 */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > maxBytes) throw tooLarge(maxBytes);
	return readBounded(request, maxBytes, () => tooLarge(maxBytes));
}

/**
 * The body's bytes, at most `maxBytes` of them; a longer body is read to its end (see
 * {@link DRAIN_MAX_BYTES}) and refused with `tooLarge()`, so the client receives the refusal.
 * @throws {AppError} `tooLarge()`, 400 `body_unreadable`
 */
export async function readBounded(request: Request, maxBytes: number, tooLarge: () => AppError): Promise<Uint8Array> {
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > maxBytes) {
				await drain(reader);
				throw tooLarge();
			}
			chunks.push(value);
		}
	} catch (error) {
		if (error instanceof AppError) throw error;
		// adapter-node's own BODY_SIZE_LIMIT surfaces as an error with status 413
		if ((error as { status?: number }).status === 413) throw tooLarge();
		throw new AppError(400, 'body_unreadable', 'The request body could not be read.');
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.byteLength;
	}
	return out;
}

/**
 * Reads and throws away what is left of a body nobody read (an answer given before or instead of
 * reading it: 401, 403, 404, a declared length over the limit), in the background. adapter-node
 * starts reading every body at once and pauses it when its buffer fills; left so, the keep-alive
 * connection is dead and the client's next request on it gets a connection reset. Past
 * {@link DRAIN_MAX_BYTES} the connection is cut instead.
 */
export function discardUnreadBody(request: Request): void {
	if (request.body && !request.bodyUsed && !request.body.locked) void drain(request.body.getReader());
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
	let drained = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			drained += value.byteLength;
			if (drained > DRAIN_MAX_BYTES) {
				await reader.cancel().catch(() => {});
				return;
			}
		}
	} catch {
		// adapter-node's limit ended the body, or the client went away: nothing more to read
	}
}

/** The image type the bytes start with (magic numbers), or null. */
export function sniffImageType(bytes: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | null {
	if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
	if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
	if (String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'image/webp';
	return null;
}

/**
 * The image of a request: a raw `image/jpeg` body, or the `field` part of a multipart body.
 * @throws {AppError} 415 for another content type, 422 when the multipart field is missing, 413
 */
export async function readImageBody(request: Request, maxBytes: number, field = 'image'): Promise<Uint8Array> {
	const type = request.headers.get('content-type') ?? '';
	if (/^image\/jpeg\s*(;|$)/i.test(type)) return readLimitedBody(request, maxBytes);
	if (/^multipart\/form-data\s*;/i.test(type)) {
		// bounded first, then parsed: formData() on the live request would buffer any size
		// (the type is passed on as sent: the boundary is case-sensitive)
		const raw = await readLimitedBody(request, maxBytes + 64 * 1024);
		let form: FormData;
		try {
			form = await new Response(raw as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } }).formData();
		} catch {
			throw new AppError(400, 'invalid_multipart', 'The multipart body could not be parsed.');
		}
		const part = form.get(field);
		if (!part || typeof part === 'string') throw new AppError(422, 'validation_failed', `Send the image as the "${field}" file part.`, { [field]: 'a JPEG file' });
		if (part.size > maxBytes) throw tooLarge(maxBytes);
		return new Uint8Array(await part.arrayBuffer());
	}
	throw new AppError(415, 'unsupported_media_type', 'Send the image as image/jpeg, or as multipart/form-data with an "image" part.');
}
