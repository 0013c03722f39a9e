/**
 * Multi-frame consensus for video: reads of the same plate across frames are joined into a track
 * (by box overlap, or by near-identical text when the box jumped between frames) and their
 * characters voted on, weighted by the reader's confidence, into one stable result with a
 * confirmation state. Pure: the caller passes each frame's time, nothing reads a clock.
 */
// the module, not the barrel: the barrel brings the tariff schemas (zod) into the browser
import { plateDistance } from '../parking/similarity.ts';
import { iou, type Box } from './geometry.ts';

/** One plate read in one frame: the fields of a `PlateRead` that consensus uses. */
export interface FrameRead {
	readonly text: string;
	/** Per character of `text`, each 0–1. */
	readonly charConfidences: readonly number[];
	/**
	 * The read's own confidence when the reader gives one: below its lowest character's where a
	 * character may have been skipped (`read.ts`), and then no character counts for more.
	 */
	readonly confidence?: number;
	readonly box: Box;
}

export type TrackState = 'tentative' | 'confirmed' | 'lost';

/** The consensus about one plate seen over several frames. */
export interface Track {
	readonly id: number;
	/** The voted text; frozen once confirmed (a gate may already have acted on it). */
	readonly text: string;
	/** Confidence of the voted text, 0–1 (see {@link voteText}). */
	readonly confidence: number;
	readonly charConfidences: readonly number[];
	readonly state: TrackState;
	/** Reads joined to this track, and how many of them read exactly `text`. */
	readonly reads: number;
	readonly agreeing: number;
	/** The box of the latest read. */
	readonly box: Box;
	readonly firstSeenMs: number;
	readonly lastSeenMs: number;
}

/** Options for {@link PlateConsensus}. */
export interface ConsensusOptions {
	/** Box overlap that joins a read to a track (default 0.3). */
	readonly minIou?: number;
	/** Text distance (`plateDistance`) that joins a read whose box moved too far (default 1). */
	readonly maxTextDistance?: number;
	/** A track without a read for longer than this is lost (default 1500 ms). */
	readonly maxGapMs?: number;
	/** Reads that must agree exactly with the voted text before it is confirmed (default 3). */
	readonly minAgreeingReads?: number;
	/** Voted confidence needed for confirmation (default 0.6). */
	readonly minConfidence?: number;
	/** Reads remembered per track for voting, the latest ones (default 30). */
	readonly maxReads?: number;
}

/** What one {@link PlateConsensus.update} changed. */
export interface ConsensusUpdate {
	/** Every live track after this frame, oldest first. */
	readonly active: readonly Track[];
	/** Tracks confirmed by this frame (each is reported here exactly once). */
	readonly confirmed: readonly Track[];
	/** Tracks that ended with this frame (state `lost`), each reported once. */
	readonly ended: readonly Track[];
}

interface MutableTrack {
	id: number;
	reads: FrameRead[];
	total: number;
	box: Box;
	firstSeenMs: number;
	lastSeenMs: number;
	confirmedText: string | null;
}

/**
 * Votes one text from several reads. The length is chosen first (each read weighs its mean
 * character confidence); then, among reads of that length, each position goes to the character
 * with the largest summed confidence. A position's confidence is the agreeing share of that
 * weight times the chance that at least one agreeing read was right,
 * `W / (W + L) × (1 − Π(1 − cᵢ))`, so one read keeps its own confidence, agreeing reads raise
 * it and dissent lowers it. The text's confidence is its weakest position's, times the share of
 * weight its length got.
 */
export function voteText(frameReads: readonly FrameRead[]): { text: string; confidence: number; charConfidences: number[] } {
	const reads = frameReads.map((r) => ({ ...r, charConfidences: r.charConfidences.map((c) => Math.min(c, r.confidence ?? 1)) }));
	const weight = (r: FrameRead): number =>
		r.charConfidences.length > 0 ? r.charConfidences.reduce((a, b) => a + b, 0) / r.charConfidences.length : 0;
	const byLength = new Map<number, number>();
	let all = 0;
	for (const r of reads) {
		byLength.set(r.text.length, (byLength.get(r.text.length) ?? 0) + weight(r));
		all += weight(r);
	}
	let length = 0;
	let best = -1;
	for (const [len, w] of byLength) {
		if (w > best || (w === best && len > length)) [length, best] = [len, w];
	}
	if (length === 0 || all === 0) return { text: '', confidence: 0, charConfidences: [] };
	const same = reads.filter((r) => r.text.length === length);
	let text = '';
	const charConfidences: number[] = [];
	for (let i = 0; i < length; i++) {
		const votes = new Map<string, { sum: number; miss: number }>();
		let total = 0;
		for (const r of same) {
			const c = r.charConfidences[i] ?? 0;
			const v = votes.get(r.text[i] as string) ?? { sum: 0, miss: 1 };
			v.sum += c;
			v.miss *= 1 - c;
			votes.set(r.text[i] as string, v);
			total += c;
		}
		let winner = '';
		let win = { sum: -1, miss: 1 };
		// Ties go to the alphabetically first character so the result does not depend on read order.
		for (const [ch, v] of [...votes].sort(([a], [b]) => (a < b ? -1 : 1))) {
			if (v.sum > win.sum) [winner, win] = [ch, v];
		}
		text += winner;
		charConfidences.push(total > 0 ? (win.sum / total) * (1 - win.miss) : 0);
	}
	const confidence = Math.min(...charConfidences) * (best / all);
	return { text, confidence, charConfidences };
}

/**
 * Tracks plates across the frames of one camera and votes each track's text.
 * @example
 * const consensus = new PlateConsensus();
 * for (const frame of frames) {
 *   const { confirmed } = consensus.update(frame.timeMs, await lpr.readFrame(frame.image));
 *   for (const t of confirmed) openGateFor(t.text);
 * }
 */
export class PlateConsensus {
	readonly #options: Required<ConsensusOptions>;
	#tracks: MutableTrack[] = [];
	#nextId = 1;
	#lastMs = Number.NEGATIVE_INFINITY;

	constructor(options: ConsensusOptions = {}) {
		this.#options = {
			minIou: 0.3,
			maxTextDistance: 1,
			maxGapMs: 1500,
			minAgreeingReads: 3,
			minConfidence: 0.6,
			maxReads: 30,
			...options
		};
	}

	/**
	 * Adds one frame's reads (an empty list for a frame without plates: time still passes).
	 * @param timeMs the frame's time in ms, never decreasing (a capture timestamp, not `Date.now()`
	 *   at processing, so a slow frame does not age a track)
	 * @throws RangeError when time goes backwards or a read's confidences do not match its text
	 */
	update(timeMs: number, reads: readonly FrameRead[]): ConsensusUpdate {
		if (!Number.isFinite(timeMs) || timeMs < this.#lastMs) {
			throw new RangeError(`frame time must be finite and not decrease: ${timeMs} after ${this.#lastMs}`);
		}
		this.#lastMs = timeMs;
		for (const r of reads) {
			if (r.charConfidences.length !== r.text.length || r.charConfidences.some((c) => !(c >= 0 && c <= 1))) {
				throw new RangeError(`read ${r.text} needs one confidence 0–1 per character`);
			}
		}
		const ended = this.#expire(timeMs);
		const before = new Set(this.#tracks.filter((t) => t.confirmedText !== null).map((t) => t.id));
		this.#assign(timeMs, reads.filter((r) => r.text !== ''));
		const active = this.#tracks.map((t) => this.#confirm(t));
		const confirmed = active.filter((t) => t.state === 'confirmed' && !before.has(t.id));
		return { active, confirmed, ended };
	}

	/** Ends every live track (the stream stopped) and returns them as lost. */
	flush(): readonly Track[] {
		const ended = this.#tracks.map((t) => ({ ...this.#snapshot(t), state: 'lost' as const }));
		this.#tracks = [];
		return ended;
	}

	#expire(timeMs: number): Track[] {
		const ended: Track[] = [];
		this.#tracks = this.#tracks.filter((t) => {
			if (timeMs - t.lastSeenMs <= this.#options.maxGapMs) return true;
			ended.push({ ...this.#snapshot(t), state: 'lost' });
			return false;
		});
		return ended;
	}

	/** Greedy one-to-one matching, best pairs first: a track takes at most one read per frame. */
	#assign(timeMs: number, reads: readonly FrameRead[]): void {
		const pairs: { track: MutableTrack; read: FrameRead; score: number }[] = [];
		for (const track of this.#tracks) {
			const last = track.reads[track.reads.length - 1] as FrameRead;
			for (const read of reads) {
				const overlap = iou(track.box, read.box);
				const distance = plateDistance(last.text, read.text);
				// Any overlap pair (score 2–3) ranks above any text-only pair (0–1): text alone joins
				// only what overlap cannot, such as a plate that moved far during a skipped frame.
				if (overlap >= this.#options.minIou) pairs.push({ track, read, score: 2 + overlap });
				else if (distance <= this.#options.maxTextDistance) {
					pairs.push({ track, read, score: 1 - distance / (1 + this.#options.maxTextDistance) });
				}
			}
		}
		pairs.sort((a, b) => b.score - a.score);
		const usedTracks = new Set<MutableTrack>();
		const usedReads = new Set<FrameRead>();
		for (const { track, read } of pairs) {
			if (usedTracks.has(track) || usedReads.has(read)) continue;
			usedTracks.add(track);
			usedReads.add(read);
			track.reads.push(read);
			if (track.reads.length > this.#options.maxReads) track.reads.shift();
			track.total++;
			track.box = read.box;
			track.lastSeenMs = timeMs;
		}
		for (const read of reads) {
			if (usedReads.has(read)) continue;
			this.#tracks.push({
				id: this.#nextId++,
				reads: [read],
				total: 1,
				box: read.box,
				firstSeenMs: timeMs,
				lastSeenMs: timeMs,
				confirmedText: null
			});
		}
	}

	#confirm(t: MutableTrack): Track {
		const snap = this.#snapshot(t);
		if (
			t.confirmedText === null &&
			snap.agreeing >= this.#options.minAgreeingReads &&
			snap.confidence >= this.#options.minConfidence
		) {
			t.confirmedText = snap.text;
			return { ...snap, state: 'confirmed' };
		}
		return snap;
	}

	#snapshot(t: MutableTrack): Track {
		const vote = voteText(t.reads);
		const text = t.confirmedText ?? vote.text;
		// A confirmed text outvoted later keeps its place but not the vote's confidence.
		const frozenDiffers = t.confirmedText !== null && t.confirmedText !== vote.text;
		return {
			id: t.id,
			text,
			confidence: frozenDiffers ? 0 : vote.confidence,
			charConfidences: frozenDiffers ? text.split('').map(() => 0) : vote.charConfidences,
			state: t.confirmedText === null ? 'tentative' : 'confirmed',
			reads: t.total,
			agreeing: t.reads.filter((r) => r.text === text).length,
			box: t.box,
			firstSeenMs: t.firstSeenMs,
			lastSeenMs: t.lastSeenMs
		};
	}
}
