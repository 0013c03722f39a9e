import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { hoursOption, intOption, parseStart, UsageError } from '../../scripts/simulation-cli.ts';

const root = resolve(import.meta.dirname, '../..');

describe('simulation script options', () => {
	test.each([
		['2026-03-02', 'Asia/Kolkata', Date.UTC(2026, 2, 1, 18, 30)],
		['2026-03-02T09:15', 'Asia/Kolkata', Date.UTC(2026, 2, 2, 3, 45)],
		['2026-03-02 09:15', 'UTC', Date.UTC(2026, 2, 2, 9, 15)],
		['2026-03-02T09:00Z', 'Asia/Kolkata', Date.UTC(2026, 2, 2, 9, 0)],
		['2026-03-02T09:00:30+05:30', 'UTC', Date.UTC(2026, 2, 2, 3, 30, 30)]
	])('--start %s in %s', (raw, zone, expected) => {
		expect(parseStart(raw, zone)).toBe(expected);
	});

	test.each(['2026-02-30', '2026-13-01', '2026-03-02T24:00', 'yesterday', '1700000000000', '2026-3-2', ''])('--start %j is refused', (raw) => {
		expect(() => parseStart(raw, 'Asia/Kolkata')).toThrow(UsageError);
	});

	test('numbers: whole and in range, hours may be fractional', () => {
		expect(intOption('days', undefined, 7, 1, 92)).toBe(7);
		expect(intOption('days', '3', 7, 1, 92)).toBe(3);
		for (const raw of ['0', '93', '1.5', 'abc', '', '1e3']) expect(() => intOption('days', raw, 7, 1, 92), raw).toThrow(/--days must be a whole number from 1 to 92/);
		expect(hoursOption('1.5', 24, 100)).toBe(1.5);
		for (const raw of ['0', '-2', '101', 'NaN', 'Infinity', ' ']) expect(() => hoursOption(raw, 24, 100), raw).toThrow(/--hours/);
	});
});

describe('the scripts refuse bad options with exit code 2 before opening a database', () => {
	const dataDir = mkdtempSync(join(tmpdir(), 'spms-sim-'));
	afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
	const run = (script: string, args: string[], env: Record<string, string> = {}) =>
		spawnSync(process.execPath, [join(root, 'scripts', script), ...args], {
			cwd: root,
			encoding: 'utf8',
			env: { ...process.env, DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '', ...env }
		});

	test.each([
		[[], /--lot is required/],
		[['--lot', 'Mall', '--hours', '0'], /--hours must be/],
		[['--lot', 'Mall', '--hours', '24', '--days', '2'], /not both/],
		[['--lot', 'Mall', '--start', 'tomorrow'], /--start must be/],
		[['--lot', 'Mall', '--seed', 'x'], /--seed must be/],
		[['--lot', 'Mall', '--colour', 'red'], /Unknown option '--colour'/]
	])('simulate %j', (args, message) => {
		const out = run('simulate.ts', args);
		expect(out.status, out.stderr).toBe(2);
		expect(out.stderr).toMatch(message);
		expect(existsSync(join(dataDir, 'data'))).toBe(false);
	});

	test('simulate names a bad configuration variable', () => {
		const out = run('simulate.ts', ['--lot', 'Mall'], { OCR_CONFIDENCE_THRESHOLD: '0.99' });
		expect(out.status).toBe(2);
		expect(out.stderr).toMatch(/OCR_CONFIDENCE_THRESHOLD/);
		expect(existsSync(join(dataDir, 'data'))).toBe(false);
	});

	test.each([
		[['--engine', 'postgres'], /--engine must be sqlite or mysql/],
		[['--days', '0'], /--days must be/],
		[['--start', '2026-02-31'], /--start must be/]
	])('eval:anomalies %j', (args, message) => {
		const out = run('eval-anomalies.ts', args);
		expect(out.status, out.stderr).toBe(2);
		expect(out.stderr).toMatch(message);
	});
});
