/**
 * The `npm run lpr` CLI (scripts/lpr/lpr.ts) run as a process over good and bad files: one
 * line per file, bad files get an error line, and the run goes on. Lives here because Vitest
 * collects specs under src/ only.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT, encodePng, haveModels, testPattern } from './test-support.ts';

const CLI = join(REPO_ROOT, 'scripts/lpr/lpr.ts');

async function lpr(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { cwd: REPO_ROOT });
		return { code: 0, stdout, stderr };
	} catch (e) {
		const err = e as { code: number; stdout: string; stderr: string };
		return { code: err.code, stdout: err.stdout, stderr: err.stderr };
	}
}

test.each([[[]], [['read']], [['scan', 'x.jpg']], [['read', '--country', 'xx', 'x.jpg']], [['read', '--threshold', '2', 'x.jpg']]])(
	'usage errors exit 2 without loading anything: %j',
	async (args) => {
		const { code, stderr } = await lpr(args);
		expect(code).toBe(2);
		expect(stderr).toMatch(/usage: npm run lpr -- read/);
	}
);

describe.skipIf(!haveModels)(`reading files${haveModels ? '' : ' (skipped: no models/*.onnx yet)'}`, () => {
	let dir: string;
	const files: Record<string, string> = {};
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'lpr-cli-'));
		const pattern = testPattern(320, 180);
		const png = encodePng(pattern);
		const jpg = new Uint8Array(jpeg.encode({ data: Buffer.from(pattern.data), width: 320, height: 180 }, 90).data);
		const huge = new Uint8Array(33);
		huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
		new DataView(huge.buffer).setUint32(16, 20_000);
		new DataView(huge.buffer).setUint32(20, 20_000);
		const blank = encodePng({ data: new Uint8ClampedArray(640 * 360 * 4).fill(128), width: 640, height: 360 });
		const corrupt = new Uint8Array(png);
		for (let i = 60; i < 90; i++) corrupt[i] = (corrupt[i] as number) ^ 0x5a;
		const write = (name: string, bytes: Uint8Array | string): void => {
			files[name] = join(dir, name);
			writeFileSync(files[name], bytes);
		};
		write('blank.png', blank);
		write('truncated.jpg', jpg.subarray(0, jpg.length >> 1));
		write('corrupt.png', corrupt);
		write('empty.jpg', new Uint8Array(0));
		write('notes.jpg', 'not a picture\n');
		write('huge.png', huge);
		write('pattern.jpg', jpg);
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	test('--json: one line per file in order; bad files get an error line and the run goes on', async () => {
		const names = ['blank.png', 'truncated.jpg', 'corrupt.png', 'empty.jpg', 'notes.jpg', 'huge.png', 'missing.jpg', 'pattern.jpg'];
		const paths = names.map((n) => files[n] ?? join(dir, n));
		const { code, stdout } = await lpr(['read', '--json', '--country', 'in', ...paths]);
		expect(code).toBe(1); // some files failed
		const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines.map((l) => l.file)).toEqual(paths);
		const byName = Object.fromEntries(names.map((n, i) => [n, lines[i] as Record<string, unknown>]));
		expect(byName['blank.png']).toEqual({ file: paths[0], plates: [], ms: expect.any(Number) });
		expect(byName['truncated.jpg']?.error).toMatch(/^truncated: /);
		expect(byName['corrupt.png']?.error).toMatch(/^corrupt: /);
		expect(byName['empty.jpg']?.error).toMatch(/^empty: /);
		expect(byName['notes.jpg']?.error).toMatch(/^unsupported-format: /);
		expect(byName['huge.png']?.error).toMatch(/^too-large: the image is 20000x20000/);
		expect(byName['missing.jpg']?.error).toMatch(/ENOENT/);
		// The last file was still read after all the failures.
		const last = byName['pattern.jpg'] as { plates: Record<string, unknown>[]; ms: number };
		expect(Array.isArray(last.plates)).toBe(true);
		for (const p of last.plates) expect(Object.keys(p)).toEqual(['text', 'confidence', 'box', 'corners']);
	});

	test('without --json: a table, exit 0 when every file was read', async () => {
		const { code, stdout } = await lpr(['read', files['blank.png'] as string]);
		expect(code).toBe(0);
		expect(stdout).toMatch(/^FILE\s+PLATE\s+CONF/);
		expect(stdout).toMatch(/blank\.png\s+\(no plate\)/);
	});
});
