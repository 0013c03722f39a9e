/**
 * Decoding the reader output: per-step probabilities over the contract's vocabulary, read as CTC
 * (`contract.decode_probs`: best class per step, runs collapsed, blanks dropped, each text line's
 * steps on their own so a line's last character never merges with the next line's first), into text,
 * per-character confidences and the alternatives the country rules may choose from.
 */
import type { ReaderContract } from './contract.ts';

/** How many alternatives per character are kept for post-processing (the rules try at most 3). */
export const CANDIDATES_PER_CHAR = 3;

/** One character read, its probability and the reader's next best characters (never the blank). */
export interface CharRead {
	readonly char: string;
	readonly confidence: number;
	/** Most probable first, the read character included, at the step where it was surest. */
	readonly candidates: readonly { readonly char: string; readonly probability: number }[];
}

/** What the reader read on one plate. */
export interface Reading {
	readonly text: string;
	/**
	 * How sure the reading is: the lowest character confidence, or lower where a step read as
	 * blank still held a character ({@link skippedCharacterMass}); 0 when nothing was read.
	 */
	readonly confidence: number;
	readonly chars: readonly CharRead[];
}

/**
 * Decodes the reader output for plate `index` of a batch.
 * @param probs the `probs` output, n × steps × vocab.length, softmax already applied
 * @throws RangeError when `probs` holds no plate `index`
 * @example decodeReading(probs, 0, contract) // { text: 'KA01AB1234', confidence: 0.93, … }
 */
export function decodeReading(probs: Float32Array, index: number, contract: ReaderContract): Reading {
	const { steps, vocab, blankIndex, lines } = contract;
	const lineSteps = steps / lines;
	const k = vocab.length;
	const base = index * steps * k;
	if (!Number.isInteger(index) || index < 0 || base + steps * k > probs.length) {
		throw new RangeError(`reader output has no plate ${index}`);
	}
	// Each character: its class and the step of its run where it was most probable.
	const runs: { cls: number; step: number; p: number }[] = [];
	let prev = blankIndex;
	for (let t = 0; t < steps; t++) {
		if (t % lineSteps === 0) prev = blankIndex;
		const row = probs.subarray(base + t * k, base + (t + 1) * k);
		const best = argmax(row);
		const p = row[best] as number;
		if (best !== blankIndex) {
			const run = runs.at(-1);
			if (best !== prev || run === undefined) runs.push({ cls: best, step: t, p });
			else if (p > run.p) Object.assign(run, { step: t, p });
		}
		prev = best;
	}
	const chars = runs.map(({ cls, step, p }): CharRead => {
		const row = probs.subarray(base + step * k, base + (step + 1) * k);
		return {
			char: vocab[cls] as string,
			confidence: clamp01(p),
			candidates: topIndices(row, CANDIDATES_PER_CHAR + 1)
				.filter((i) => i !== blankIndex)
				.slice(0, CANDIDATES_PER_CHAR)
				.map((i) => ({ char: vocab[i] as string, probability: clamp01(row[i] as number) }))
		};
	});
	const skipped = skippedCharacterMass(probs, base, contract);
	const confidence = chars.length > 0 ? Math.min(...chars.map((c) => c.confidence), 1 - skipped) : 0;
	return { text: chars.map((c) => c.char).join(''), confidence, chars };
}

/**
 * The largest probability, over the steps greedy decoding read as blank, of a character other than
 * the ones read on either side of that step in its line: a character the greedy path may have
 * skipped. Per-character confidences cannot show a dropped character — a faint `T` read as a blank
 * step (blank 0.37, the rest on other characters) made `KL13TG8459` read `KL13G8459` with every
 * character above 0.9. The neighbours' own mass is left out: a character's run fading into blanks
 * is not a second character.
 */
export function skippedCharacterMass(probs: Float32Array, base: number, contract: ReaderContract): number {
	const { steps, vocab, blankIndex, lines } = contract;
	const lineSteps = steps / lines;
	const k = vocab.length;
	const best = Array.from({ length: steps }, (_, t) => argmax(probs.subarray(base + t * k, base + (t + 1) * k)));
	let worst = 0;
	for (let line = 0; line < lines; line++) {
		const from = line * lineSteps;
		const to = from + lineSteps;
		let before = -1; // class read last before t in this line (-1: none yet)
		for (let t = from; t < to; t++) {
			if (best[t] !== blankIndex) {
				before = best[t] as number;
				continue;
			}
			let after = -1;
			for (let u = t + 1; u < to && after < 0; u++) if (best[u] !== blankIndex) after = best[u] as number;
			const row = probs.subarray(base + t * k, base + (t + 1) * k);
			let mass = 1 - (row[blankIndex] as number);
			if (before >= 0) mass -= row[before] as number;
			if (after >= 0 && after !== before) mass -= row[after] as number;
			worst = Math.max(worst, mass);
		}
	}
	return clamp01(worst);
}

function argmax(row: Float32Array): number {
	let best = 0;
	for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
	return best;
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
