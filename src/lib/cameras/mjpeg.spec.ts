import { describe, expect, test } from 'vitest';
import { boundaryOf, encodePart, ESP32_BOUNDARY, isWholeJpeg, MjpegParser } from './mjpeg.ts';

const jpeg = (n: number, fill = 7) => Uint8Array.from([0xff, 0xd8, ...new Array(n).fill(fill), 0xff, 0xd9]);
const enc = new TextEncoder();
const concat = (...parts: Uint8Array[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) (out.set(p, o), (o += p.length));
	return out;
};

describe('boundaryOf', () => {
	test.each([
		['multipart/x-mixed-replace;boundary=123456789000000000000987654321', ESP32_BOUNDARY],
		['multipart/x-mixed-replace; boundary="abc"', 'abc'],
		['multipart/x-mixed-replace; boundary=--abc', 'abc'],
		['image/jpeg', null],
		['multipart/x-mixed-replace', null],
		[null, null]
	])('%s → %s', (type, want) => expect(boundaryOf(type)).toBe(want));
});

describe('MjpegParser', () => {
	test('ESP32 parts, one chunk', () => {
		const p = new MjpegParser(ESP32_BOUNDARY);
		const events = p.push(concat(encodePart(jpeg(10)), encodePart(jpeg(20))));
		// the second part is complete only when its length is in: both are
		expect(events.map((e) => (e.type === 'frame' ? e.jpeg.length : e.type))).toEqual([14, 24]);
		expect(events[0]!.type === 'frame' && events[0]!.headers['content-type']).toBe('image/jpeg');
	});

	test('split byte by byte gives the same frames', () => {
		const stream = concat(encodePart(jpeg(50, 1)), encodePart(jpeg(3, 2)), encodePart(jpeg(70, 3)));
		const p = new MjpegParser(ESP32_BOUNDARY);
		const frames: number[] = [];
		for (let i = 0; i < stream.length; i++) for (const e of p.push(stream.subarray(i, i + 1))) if (e.type === 'frame') frames.push(e.jpeg.length);
		expect(frames).toEqual([54, 7, 74]);
		expect(p.buffered).toBeLessThan(64);
	});

	test('a corrupt part is reported and the next one still read', () => {
		const broken = concat(enc.encode(`\r\n--${ESP32_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: 6\r\n\r\n`), Uint8Array.from([1, 2, 3, 4, 5, 6]));
		const badLength = enc.encode(`\r\n--${ESP32_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: lots\r\n\r\nxx`);
		const p = new MjpegParser(ESP32_BOUNDARY);
		const events = p.push(concat(encodePart(jpeg(5)), broken, badLength, encodePart(jpeg(8))));
		expect(events.map((e) => (e.type === 'frame' ? 'frame' : e.reason))).toEqual(['frame', 'not_jpeg', 'bad_headers', 'frame']);
	});

	test('a part past the limit is skipped without buffering it', () => {
		const p = new MjpegParser(ESP32_BOUNDARY, { maxPartBytes: 100 });
		const events = p.push(concat(encodePart(jpeg(500)), encodePart(jpeg(10))));
		expect(events.map((e) => (e.type === 'frame' ? e.jpeg.length : e.reason))).toEqual(['too_large', 14]);
	});

	test('parts without Content-Length run to the next boundary', () => {
		const part = (b: Uint8Array) => concat(enc.encode(`--${ESP32_BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\n`), b, enc.encode('\r\n'));
		const p = new MjpegParser(ESP32_BOUNDARY);
		const events = p.push(concat(part(jpeg(4)), part(jpeg(6)), enc.encode(`--${ESP32_BOUNDARY}\r\n`)));
		expect(events.map((e) => (e.type === 'frame' ? e.jpeg.length : e.reason))).toEqual([8, 10]);
	});

	test('garbage before the first boundary is skipped', () => {
		const p = new MjpegParser(ESP32_BOUNDARY);
		expect(p.push(concat(enc.encode('hello world'.repeat(100)), encodePart(jpeg(2)))).length).toBe(1);
	});
});

test('isWholeJpeg', () => {
	expect(isWholeJpeg(jpeg(0))).toBe(true);
	expect(isWholeJpeg(Uint8Array.from([0xff, 0xd8, 1, 2]))).toBe(false);
	expect(isWholeJpeg(new Uint8Array(0))).toBe(false);
});
