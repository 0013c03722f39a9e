import { describe, expect, test } from 'vitest';
import type { PlateRead } from '../lpr/pipeline.ts';
import { PlateTracker } from './tracker.ts';

const plate = (text: string, confidence: number, x = 100): PlateRead =>
	({
		text,
		confidence,
		valid: true,
		country: 'in',
		box: [x, 50, 120, 30],
		corners: [
			[x, 50],
			[x + 120, 50],
			[x + 120, 80],
			[x, 80]
		],
		detectorScore: 0.9
	}) as unknown as PlateRead;

/** Runs `frames` frames: what each read gives (detector frames and tracked frames alike). */
function run(tracker: PlateTracker, frames: number, read: (tracked: boolean, i: number) => PlateRead[]): string {
	let out = '';
	for (let i = 0; i < frames; i++) {
		const track = tracker.next();
		out += track === null ? 'D' : 't';
		tracker.update(read(track !== null, i), track !== null);
	}
	return out;
}

describe('PlateTracker', () => {
	test('the detector on one frame in detectEvery while the plate reads as well as when found', () => {
		const tracker = new PlateTracker(5);
		expect(run(tracker, 12, () => [plate('KA01AB1234', 0.9)])).toBe('DttttDttttDt');
		expect(tracker.detections).toBe(3);
	});

	test('tracked frames are read in the plates the detector found: their box, corners and score', () => {
		const tracker = new PlateTracker(3);
		expect(tracker.next()).toBeNull();
		const found = [plate('KA01AB1234', 0.9), plate('MH12XY9876', 0.8, 400)];
		tracker.update(found, false);
		expect(tracker.next()).toEqual(found.map(({ box, corners, detectorScore }) => ({ box, corners, detectorScore })));
	});

	test('no plate found: every frame detects', () => {
		expect(run(new PlateTracker(5), 6, () => [])).toBe('DDDDDD');
	});

	test.each<[string, (tracked: boolean) => PlateRead[]]>([
		['reads nothing where it was', (tracked) => (tracked ? [] : [plate('KA01AB1234', 0.9)])],
		['reads much worse than when found', (tracked) => [plate('KA01AB1234', tracked ? 0.5 : 0.9)]]
	])('a tracked plate that %s is lost: the next frame detects', (_, read) => {
		expect(run(new PlateTracker(5), 6, read)).toBe('DtDtDt');
	});

	test('one of two plates lost is a lost track', () => {
		const two = [plate('KA01AB1234', 0.9), plate('MH12XY9876', 0.8, 400)];
		expect(run(new PlateTracker(5), 4, (tracked) => (tracked ? two.slice(0, 1) : two))).toBe('DtDt');
	});

	test('reset forgets the plates', () => {
		const tracker = new PlateTracker(5);
		run(tracker, 2, () => [plate('KA01AB1234', 0.9)]);
		tracker.reset();
		expect(tracker.next()).toBeNull();
	});
});
