import { expect, test } from 'vitest';
import { logs } from './log.ts';

test.each([
	['debug', undefined, false],
	['info', undefined, true],
	['debug', 'debug', true],
	['info', 'warn', false],
	['warn', 'warn', true],
	['error', 'warn', true],
	['warn', 'error', false],
	['info', 'loud', true],
	['debug', 'toString', false]
] as const)('a %s line under LOG_LEVEL=%s is written: %s', (level, setting, written) => {
	expect(logs(level, setting)).toBe(written);
});
