/**
 * A minimal POSIX ustar writer: regular files only, names up to 255 bytes (prefix + name),
 * enough to hand a dataset folder over as one download without a dependency.
 */

const BLOCK = 512;

function octal(value: number, width: number): string {
	return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(path: string, size: number, mtimeSeconds: number): Uint8Array {
	const h = new Uint8Array(BLOCK);
	const enc = new TextEncoder();
	let name = path;
	let prefix = '';
	if (enc.encode(name).length > 100) {
		const cut = path.lastIndexOf('/', 155);
		if (cut <= 0) throw new RangeError(`path too long for ustar: ${path}`);
		prefix = path.slice(0, cut);
		name = path.slice(cut + 1);
		if (enc.encode(name).length > 100) throw new RangeError(`file name too long for ustar: ${name}`);
	}
	const put = (text: string, offset: number) => h.set(enc.encode(text), offset);
	put(name, 0);
	put(octal(0o644, 8), 100);
	put(octal(0, 8), 108);
	put(octal(0, 8), 116);
	put(octal(size, 12), 124);
	put(octal(mtimeSeconds, 12), 136);
	put('        ', 148); // checksum counted as spaces
	put('0', 156);
	put('ustar\0', 257);
	put('00', 263);
	put(prefix, 345);
	let sum = 0;
	for (const b of h) sum += b;
	put(octal(sum, 7) + ' ', 148);
	return h;
}

/** The files as one tar archive (ends with the two zero blocks). */
export function tar(files: ReadonlyArray<{ path: string; bytes: Uint8Array }>, mtimeMs: number): Uint8Array {
	const parts: Uint8Array[] = [];
	for (const f of files) {
		parts.push(header(f.path, f.bytes.length, Math.floor(mtimeMs / 1000)), f.bytes);
		const pad = (BLOCK - (f.bytes.length % BLOCK)) % BLOCK;
		if (pad) parts.push(new Uint8Array(pad));
	}
	parts.push(new Uint8Array(BLOCK * 2));
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}
