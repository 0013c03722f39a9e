/**
 * Decoding the reader output: per-slot probabilities over the contract's vocabulary, text
 * left-aligned and padded (`contract.decode_probs`), into text, per-character confidences and the
 * alternatives the country rules may choose from.
 */
import type { ReaderContract } from './contract.ts';

/** How many alternatives per character are kept for post-processing (the rules try at most 3). */
export const CANDIDATES_PER_CHAR = 3;

/** One character read, its probability and the reader's next best characters (no padding). */
export interface CharRead {
	readonly char: string;
	readonly confidence: number;
	/** Most probable first, the read character included. */
	readonly candidates: readonly { readonly char: string; readonly probability: number }[];
}

/** What the reader read on one plate. */
export interface Reading {
	readonly text: string;
	/**
	 * The contract's plate confidence: the lowest slot probability over all slots, padding
	 * included (a confident read is confident about where the text ends, too).
	 */
	readonly confidence: number;
	readonly chars: readonly CharRead[];
	/**
	 * True when a padding slot came before a character: the model was trained on left-aligned
	 * text, so a gap means it is unsure how many characters there are.
	 */
	readonly gap: boolean;
}

/**
 * Decodes the reader output for plate `index` of a batch.
 * @param probs the `probs` output, n × maxSlots × vocab.length, softmax already applied
 * @throws RangeError when `probs` holds no plate `index`
 * @example decodeReading(probs, 0, contract) // { text: 'KA01AB1234', confidence: 0.93, … }
 */
export function decodeReading(probs: Float32Array, index: number, contract: ReaderContract): Reading {
	const { maxSlots, vocab, padIndex } = contract;
	const k = vocab.length;
	const base = index * maxSlots * k;
	if (!Number.isInteger(index) || index < 0 || base + maxSlots * k > probs.length) {
		throw new RangeError(`reader output has no plate ${index}`);
	}
	const chars: CharRead[] = [];
	let confidence = 1;
	let padSeen = false;
	let gap = false;
	for (let slot = 0; slot < maxSlots; slot++) {
		const row = probs.subarray(base + slot * k, base + (slot + 1) * k);
		const order = topIndices(row, CANDIDATES_PER_CHAR + 1);
		const best = order[0] as number;
		const p = clamp01(row[best] as number);
		if (best === padIndex) {
			padSeen = true;
			confidence = Math.min(confidence, p);
			continue;
		}
		if (padSeen) {
			// A confident pad before this character is a confident doubt about the length: count
			// the pad slot by how likely it held a character instead, so the plate's confidence drops.
			gap = true;
			confidence = Math.min(confidence, 1 - maxPadProbabilityBefore(probs, base, slot, k, padIndex));
		}
		confidence = Math.min(confidence, p);
		chars.push({
			char: vocab[best] as string,
			confidence: p,
			candidates: order
				.filter((i) => i !== padIndex)
				.slice(0, CANDIDATES_PER_CHAR)
				.map((i) => ({ char: vocab[i] as string, probability: clamp01(row[i] as number) }))
		});
	}
	return { text: chars.map((c) => c.char).join(''), confidence: chars.length > 0 ? confidence : 0, chars, gap };
}

/** Highest padding probability over the slots before `slot` (the gap's surest pad). */
function maxPadProbabilityBefore(probs: Float32Array, base: number, slot: number, k: number, padIndex: number): number {
	let m = 0;
	for (let s = 0; s < slot; s++) m = Math.max(m, probs[base + s * k + padIndex] as number);
	return clamp01(m);
}

/** Indices of the `n` largest values, largest first (n is tiny, so a partial insertion sort). */
function topIndices(row: Float32Array, n: number): number[] {
	const top: number[] = [];
	for (let i = 0; i < row.length; i++) {
		const v = row[i] as number;
		let j = top.length;
		while (j > 0 && (row[top[j - 1] as number] as number) < v) j--;
		if (j < n) {
			top.splice(j, 0, i);
			if (top.length > n) top.pop();
		}
	}
	return top;
}

// float32 softmax outputs can exceed 1 by an ulp; the parking rules insist on 0–1.
function clamp01(p: number): number {
	return Math.min(1, Math.max(0, p));
}
