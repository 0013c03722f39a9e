import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultPoolSize, ReaderPool } from './reader-pool.ts';
import { jpegDeclaring, testJpeg } from './testing.ts';

test.each([
	[1, 1],
	[2, 2],
	[4, 3],
	[16, 4]
])('%i cores → %i reader threads', (cores, size) => expect(defaultPoolSize(cores)).toBe(size));

describe('the reader pool (real workers, real models)', () => {
	let pool: ReaderPool;
	beforeAll(async () => {
		pool = new ReaderPool({ size: 1, maxQueue: 2 });
		await pool.ready();
	});
	afterAll(() => pool.close());

	test('reads run off the event loop: timers keep firing while a batch is read', async () => {
		let ticks = 0;
		const timer = setInterval(() => ticks++, 1);
		await Promise.all([pool.read(testJpeg(640, 480, 1), 'in'), pool.read(testJpeg(640, 480, 2), 'in')]);
		clearInterval(timer);
		// Reading on this thread would hold the loop for the whole batch and the timer would not
		// fire; in a worker it fires while the batch is read, however loaded the machine (no ratio
		// to wall-clock time, which a busy CI machine stretches).
		expect(ticks).toBeGreaterThanOrEqual(2);
	});

	test('a full queue fails fast with busy; decoding errors come back with their kind', async () => {
		const reads = [1, 2, 3].map((i) => pool.read(testJpeg(640, 480, i), 'in'));
		const results = await Promise.allSettled(reads);
		expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.kind)).toEqual(['busy']);
		await expect(pool.read(jpegDeclaring(20_000, 20_000), 'in')).rejects.toMatchObject({ kind: 'too-large' });
		const jpeg = testJpeg(320, 240);
		await expect(pool.read(jpeg.subarray(0, jpeg.length >> 1), 'in')).rejects.toMatchObject({ kind: 'truncated' });
	});

	test('a read slower than the timeout fails with timeout; a closed pool refuses', async () => {
		const slow = new ReaderPool({ size: 1, timeoutMs: 1 });
		await slow.ready();
		await expect(slow.read(testJpeg(640, 480), 'in')).rejects.toMatchObject({ kind: 'timeout' });
		await slow.close();
		await expect(slow.read(testJpeg(64, 48), 'in')).rejects.toMatchObject({ kind: 'failed' });
	});
});
