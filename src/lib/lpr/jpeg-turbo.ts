/**
 * JPEG decoding with libjpeg-turbo compiled to WebAssembly (the `@cwasm/jpeg-turbo` package's
 * `.wasm`, driven here through its TurboJPEG exports), for Node only: it reads the `.wasm` file.
 *
 * Why: on this 2-core machine jpeg-js took ~95 ms of CPU for a 1280×720 frame and libjpeg-turbo
 * ~16 ms (448×336: 18 vs 3.5 ms), and libjpeg-turbo is what OpenCV's `imread` uses, so the pixels
 * are the ones the models were trained on (bit-identical to Debian's cv2 4.6 on the synthetic test
 * set). The package's own `decode` leaks its buffers when libjpeg gives up mid-image; this one
 * frees everything in every case and starts a fresh instance after a trap or a very large image.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface TurboExports {
	memory: WebAssembly.Memory;
	malloc(size: number): number;
	free(pointer: number): void;
	tjInitDecompress(): number;
	tjDestroy(handle: number): number;
	tjDecompressHeader3(handle: number, jpeg: number, size: number, width: number, height: number, subsampling: number, colorspace: number): number;
	tjDecompress2(handle: number, jpeg: number, size: number, out: number, width: number, pitch: number, height: number, pixelFormat: number, flags: number): number;
}

const TJPF_RGBA = 7;
/** An instance whose memory grew past this (a very large photo) is dropped after the decode: WebAssembly memory never shrinks. */
const KEEP_MEMORY_BYTES = 96 * 2 ** 20;

let compiled: WebAssembly.Module | undefined;
let instance: TurboExports | undefined;

class JpegError extends Error {}

function turbo(): TurboExports {
	compiled ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm')));
	if (!instance) {
		// libjpeg's error exit longjmps: throwing unwinds the WebAssembly stack back to us.
		const fail = () => {
			throw new JpegError('libjpeg error');
		};
		const wasi = { environ_sizes_get: () => 0, environ_get: () => 0, proc_exit: fail, fd_close: () => 0, fd_seek: () => 0, fd_write: () => 0 };
		instance = new WebAssembly.Instance(compiled, { env: { setjmp: () => 0, longjmp: fail }, wasi_snapshot_preview1: wasi }).exports as unknown as TurboExports;
	}
	return instance;
}

/**
 * Decodes a JPEG to RGBA at its full size.
 * @returns the pixels, or null when libjpeg-turbo refused the file or warned about it (cut short,
 *   damaged data, a colour space it can't turn into RGB such as CMYK): the caller decides what
 *   that means, e.g. by trying another decoder
 * @throws nothing for a bad file; only when the `.wasm` file itself can't be loaded
 */
export function decodeJpegTurbo(bytes: Uint8Array): { data: Uint8Array; width: number; height: number } | null {
	const x = turbo();
	let input = 0;
	let meta = 0;
	let output = 0;
	let handle = 0;
	try {
		input = x.malloc(bytes.byteLength);
		meta = x.malloc(16);
		if (!input || !meta) return null;
		new Uint8Array(x.memory.buffer, input, bytes.byteLength).set(bytes);
		handle = x.tjInitDecompress();
		if (!handle || x.tjDecompressHeader3(handle, input, bytes.byteLength, meta, meta + 4, meta + 8, meta + 12) !== 0) return null;
		const [width, height] = new Int32Array(x.memory.buffer, meta, 2) as unknown as [number, number];
		if (!(width > 0 && height > 0)) return null;
		output = x.malloc(width * height * 4);
		if (!output) return null;
		// -1 for an error and for a warning (e.g. "premature end of JPEG file"): both are refusals here
		if (x.tjDecompress2(handle, input, bytes.byteLength, output, width, 0, height, TJPF_RGBA, 0) !== 0) return null;
		return { data: new Uint8Array(x.memory.buffer, output, width * height * 4).slice(), width, height };
	} catch (error) {
		// a libjpeg error exit, or a trap (a bug in the decoder): either way this instance's state is suspect
		instance = undefined;
		if (error instanceof JpegError || error instanceof WebAssembly.RuntimeError) return null;
		throw error;
	} finally {
		if (instance === x) {
			if (handle) x.tjDestroy(handle);
			for (const pointer of [input, meta, output]) if (pointer) x.free(pointer);
			if (x.memory.buffer.byteLength > KEEP_MEMORY_BYTES) instance = undefined;
		}
	}
}
