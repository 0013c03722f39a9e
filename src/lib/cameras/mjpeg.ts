/**
 * MJPEG over HTTP (`multipart/x-mixed-replace`), as the ESP32 CameraWebServer sends it: a
 * boundary line, part headers (`Content-Type: image/jpeg`, `Content-Length`), the JPEG bytes, and
 * again. Pure and incremental (feed it chunks as they arrive), so the server's relay and the
 * tablet page parse a stream the same way. A part that is not a whole JPEG, too big or with a
 * broken header is reported and skipped: the parser finds the next boundary and goes on.
 */

/** The boundary of Espressif's CameraWebServer example (`PART_BOUNDARY`). */
export const ESP32_BOUNDARY = '123456789000000000000987654321';

export type MjpegEvent =
	| { type: 'frame'; jpeg: Uint8Array; headers: Record<string, string> }
	| { type: 'bad'; reason: 'not_jpeg' | 'too_large' | 'bad_headers' };

export interface MjpegOptions {
	/** a part longer than this is skipped (default 2 MiB: an ESP32 UXGA frame is ~250 KB) */
	maxPartBytes?: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const CRLFCRLF = enc.encode('\r\n\r\n');
const MAX_HEADER_BYTES = 4096;

/**
 * The boundary named by a Content-Type, or null when it is not a multipart stream.
 * @example boundaryOf('multipart/x-mixed-replace;boundary=123456789000000000000987654321') // '1234…4321'
 */
export function boundaryOf(contentType: string | null): string | null {
	if (!contentType || !/^\s*multipart\/x-mixed-replace\s*(;|$)/i.test(contentType)) return null;
	const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
	const b = m?.[1] ?? m?.[2];
	return b ? b.replace(/^--/, '') : null;
}

/** Starts with a JPEG's SOI marker and ends with its EOI marker (trailing CR/LF allowed). */
export function isWholeJpeg(bytes: Uint8Array): boolean {
	let end = bytes.length;
	while (end > 2 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
	return end >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

/** One part in the ESP32's wire format: boundary line, headers, JPEG. */
export function encodePart(jpeg: Uint8Array, boundary = ESP32_BOUNDARY, timestampMs = Date.now()): Uint8Array {
	const ts = `${Math.floor(timestampMs / 1000)}.${String((timestampMs % 1000) * 1000).padStart(6, '0')}`;
	const head = enc.encode(`\r\n--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\nX-Timestamp: ${ts}\r\n\r\n`);
	const out = new Uint8Array(head.length + jpeg.length);
	out.set(head);
	out.set(jpeg, head.length);
	return out;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
	const first = needle[0]!;
	outer: for (let i = hay.indexOf(first, from); i !== -1 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
		for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
		return i;
	}
	return -1;
}

/** Incremental parser; see the module comment. */
export class MjpegParser {
	readonly #delimiter: Uint8Array;
	readonly #max: number;
	#buf: Uint8Array = new Uint8Array(0);
	/** where we are: looking for a boundary, reading headers, or reading a body */
	#state: { kind: 'seek' } | { kind: 'headers' } | { kind: 'body'; length: number | null; headers: Record<string, string> } = { kind: 'seek' };

	constructor(boundary: string, options: MjpegOptions = {}) {
		this.#delimiter = enc.encode(`--${boundary}`);
		this.#max = options.maxPartBytes ?? 2 * 1024 * 1024;
	}

	/** Bytes held while waiting for the rest of a part. */
	get buffered(): number {
		return this.#buf.length;
	}

	/** Feeds a chunk; returns the parts (and bad parts) it completed. */
	push(chunk: Uint8Array): MjpegEvent[] {
		const merged = new Uint8Array(this.#buf.length + chunk.length);
		merged.set(this.#buf);
		merged.set(chunk, this.#buf.length);
		this.#buf = merged;
		const events: MjpegEvent[] = [];
		let pos = 0;
		for (;;) {
			const s = this.#state;
			if (s.kind === 'seek') {
				const at = indexOf(this.#buf, this.#delimiter, pos);
				if (at === -1) {
					// keep a tail that may hold the start of a boundary split across chunks
					pos = Math.max(pos, this.#buf.length - this.#delimiter.length);
					break;
				}
				pos = at + this.#delimiter.length;
				this.#state = { kind: 'headers' };
			} else if (s.kind === 'headers') {
				const end = indexOf(this.#buf, CRLFCRLF, pos);
				if (end === -1) {
					if (this.#buf.length - pos > MAX_HEADER_BYTES) {
						events.push({ type: 'bad', reason: 'bad_headers' });
						this.#state = { kind: 'seek' };
						continue;
					}
					break;
				}
				const headers = parseHeaders(dec.decode(this.#buf.subarray(pos, end)));
				pos = end + CRLFCRLF.length;
				const raw = headers['content-length'];
				const length = raw === undefined ? null : /^\d{1,10}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
				const type = headers['content-type'];
				if (Number.isNaN(length) || (type !== undefined && !/^image\/jpe?g\b/i.test(type))) {
					events.push({ type: 'bad', reason: 'bad_headers' });
					this.#state = { kind: 'seek' };
				} else if (length !== null && length > this.#max) {
					events.push({ type: 'bad', reason: 'too_large' });
					this.#state = { kind: 'seek' };
				} else {
					this.#state = { kind: 'body', length, headers };
				}
			} else {
				let body: Uint8Array;
				if (s.length !== null) {
					if (this.#buf.length - pos < s.length) break;
					body = this.#buf.slice(pos, pos + s.length);
					pos += s.length;
				} else {
					// no length: the body runs to the next boundary
					const next = indexOf(this.#buf, this.#delimiter, pos);
					if (next === -1) {
						if (this.#buf.length - pos > this.#max) {
							events.push({ type: 'bad', reason: 'too_large' });
							pos = this.#buf.length - this.#delimiter.length;
							this.#state = { kind: 'seek' };
						}
						break;
					}
					body = this.#buf.slice(pos, next);
					pos = next;
				}
				events.push(isWholeJpeg(body) ? { type: 'frame', jpeg: trimCrlf(body), headers: s.headers } : { type: 'bad', reason: 'not_jpeg' });
				this.#state = { kind: 'seek' };
			}
		}
		this.#buf = this.#buf.slice(pos);
		return events;
	}
}

function trimCrlf(bytes: Uint8Array): Uint8Array {
	let end = bytes.length;
	while (end > 2 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
	return end === bytes.length ? bytes : bytes.subarray(0, end);
}

function parseHeaders(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of text.split(/\r\n/)) {
		const i = line.indexOf(':');
		if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	return out;
}
