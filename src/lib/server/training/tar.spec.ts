import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { tar } from './tar.ts';

test('GNU tar lists and extracts what tar() writes, long paths included', () => {
	const dir = mkdtempSync(join(tmpdir(), 'spms-tar-'));
	const long = `spms-training-2026-11-02/images/${'x'.repeat(90)}.jpg`;
	const archive = tar([{ path: 'spms-training-2026-11-02/labels.jsonl', bytes: new TextEncoder().encode('{"a":1}\n') }, { path: long, bytes: new Uint8Array([1, 2, 3]) }], Date.UTC(2026, 10, 2));
	writeFileSync(join(dir, 'a.tar'), archive);
	expect(execFileSync('tar', ['-tf', join(dir, 'a.tar')], { encoding: 'utf8' }).trim().split('\n')).toEqual(['spms-training-2026-11-02/labels.jsonl', long]);
	execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
	expect(readFileSync(join(dir, 'spms-training-2026-11-02/labels.jsonl'), 'utf8')).toBe('{"a":1}\n');
	expect([...readFileSync(join(dir, long))]).toEqual([1, 2, 3]);
});
