/**
 * Which frames of a video the plate detector runs on ({@link PlateTracker}); the page loops of
 * `lpr.ts` and the gate tablet use it.
 */
import type { PlateRead } from '../lpr/pipeline.ts';
import type { TrackedPlate } from '../lpr/protocol.ts';

/** Plates followed between detections; more in one frame are a car park, not a scan. */
const MAX_TRACKED = 3;
/** A tracked plate read with less than this share of the confidence it was found with is lost. */
const LOST_SHARE = 0.7;

/**
 * Which frames of a video get the detector. The detector (a 640×384 network) costs several times
 * the reader, and between two frames a plate moves little: so it runs on one frame in
 * `detectEvery`, and the frames between only read the plates it found, where they were. A plate
 * that reads nothing there, or much worse than when found, has moved: the next frame detects.
 */
export class PlateTracker {
	detectEvery: number;
	/** frames given to the detector so far */
	detections = 0;
	#track: TrackedPlate[] = [];
	#found: number[] = [];
	#since = 0;
	#lost = true;

	constructor(detectEvery = 5) {
		this.detectEvery = detectEvery;
	}

	/** The plates to read the next frame in, or null: run the detector on it. */
	next(): readonly TrackedPlate[] | null {
		if (this.#lost || this.#track.length === 0 || this.#since >= this.detectEvery - 1) {
			this.#since = 0;
			this.#lost = false;
			this.detections++;
			return null;
		}
		this.#since++;
		return this.#track;
	}

	/** What a frame gave: `tracked` when it was read in {@link next}'s plates. */
	update(plates: readonly PlateRead[], tracked: boolean): void {
		if (!tracked) {
			const kept = plates.slice(0, MAX_TRACKED);
			this.#track = kept.map(({ box, corners, detectorScore }) => ({ box, corners, detectorScore }));
			this.#found = kept.map((p) => p.confidence);
			return;
		}
		const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
		if (plates.length < this.#track.length || mean(plates.map((p) => p.confidence)) < LOST_SHARE * mean(this.#found)) this.#lost = true;
	}

	/** Forgets the plates (a new picture: another gate, the camera restarted). */
	reset(): void {
		this.#track = [];
		this.#lost = true;
	}
}
