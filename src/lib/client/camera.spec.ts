import { expect, test } from 'vitest';
import { cameraProblemOf, isDarkFrame } from './camera.ts';

test.each([
	['NotAllowedError', 'denied'],
	['SecurityError', 'denied'],
	['NotFoundError', 'no_camera'],
	['OverconstrainedError', 'no_camera'],
	['NotReadableError', 'busy'],
	['TypeError', 'failed']
])('%s → %s', (name, problem) => expect(cameraProblemOf(Object.assign(new Error('x'), { name }))).toBe(problem));

test('dark frames', () => {
	const black = new Uint8ClampedArray(64 * 48 * 4);
	expect(isDarkFrame(black)).toBe(true);
	const grey = new Uint8ClampedArray(64 * 48 * 4).fill(128);
	expect(isDarkFrame(grey)).toBe(false);
	expect(isDarkFrame(new Uint8ClampedArray(0))).toBe(true);
});
