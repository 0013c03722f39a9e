/**
 * A seeded pseudo-random source for the traffic simulator: xoshiro128** seeded through
 * splitmix32, with the samplers the simulator needs. Nothing here reads the clock or
 * `Math.random()`, so every draw is a function of the seed and the order of calls.
 */

/** A stream of pseudo-random draws; each method advances the stream. */
export interface Random {
	/** A uniform float in [0, 1). */
	next(): number;
	/** A uniform unsigned 32-bit integer. */
	nextUint32(): number;
	/** A uniform float in [min, max). */
	uniform(min: number, max: number): number;
	/** A uniform integer in [min, max], both inclusive. */
	int(min: number, max: number): number;
	/** True with probability `p`. */
	chance(p: number): boolean;
	/** One element of a non-empty list, uniformly. */
	pick<T>(items: readonly T[]): T;
	/** One item, with probability proportional to its weight (weights >= 0, not all 0). */
	weighted<T>(items: readonly (readonly [T, number])[]): T;
	/** A copy of `items` in a uniformly random order (Fisher–Yates). */
	shuffle<T>(items: readonly T[]): T[];
	/** A standard normal draw (Box–Muller). */
	normal(): number;
	/** An exponential draw with the given rate (mean 1 / rate). */
	exponential(rate: number): number;
	/** A lognormal draw: `median · e^(sigma · N(0,1))`. */
	lognormal(median: number, sigma: number): number;
	/** A Poisson count with mean `lambda`. */
	poisson(lambda: number): number;
	/**
	 * An independent stream named `label`, derived from this stream's seed alone (not from how far
	 * it has been drawn), so adding draws to one part of the simulator does not shift another.
	 */
	fork(label: string): Random;
}

const TWO_POW_32 = 0x1_0000_0000;

/** FNV-1a over UTF-16 code units: a stable 32-bit hash for fork labels. */
function fnv1a(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** splitmix32: spreads a 32-bit seed over a full state, so seeds 1 and 2 give unrelated streams. */
function splitmix32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x9e3779b9) >>> 0;
		let z = state;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return (z ^ (z >>> 16)) >>> 0;
	};
}

/** murmur3's finaliser: an invertible scramble, so fork('a').fork('a') is not the parent again. */
function fmix32(h: number): number {
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/**
 * A seeded random stream.
 * @param seed any safe integer (both halves of a seed above 2³² are used)
 * @throws RangeError when the seed is not a safe integer
 * @example createRandom(42).int(1, 6) // the same face every run
 */
export function createRandom(seed: number): Random {
	if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
	const low = seed >>> 0;
	const high = Math.floor(seed / TWO_POW_32) >>> 0;
	return fromSeed32((low ^ Math.imul(high, 0x9e3779b1)) >>> 0);
}

function fromSeed32(seed32: number): Random {
	const mix = splitmix32(seed32);
	let s0 = mix();
	let s1 = mix();
	let s2 = mix();
	let s3 = mix();
	if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

	const nextUint32 = (): number => {
		const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
		const t = s1 << 9;
		s2 ^= s0;
		s3 ^= s1;
		s1 ^= s2;
		s0 ^= s3;
		s2 ^= t;
		s3 = rotl(s3, 11);
		return result;
	};
	const next = (): number => nextUint32() / TWO_POW_32;

	const random: Random = {
		next,
		nextUint32,
		uniform: (min, max) => min + (max - min) * next(),
		int(min, max) {
			if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
				throw new RangeError(`int needs integers min <= max, got ${min}, ${max}`);
			}
			return min + Math.floor(next() * (max - min + 1));
		},
		chance: (p) => next() < p,
		pick(items) {
			if (items.length === 0) throw new RangeError('pick needs a non-empty list');
			return items[Math.floor(next() * items.length)] as (typeof items)[number];
		},
		weighted(items) {
			let total = 0;
			for (const [, weight] of items) {
				if (!(weight >= 0)) throw new RangeError(`weights must be >= 0, got ${weight}`);
				total += weight;
			}
			if (!(total > 0)) throw new RangeError('weighted needs a positive total weight');
			let target = next() * total;
			for (const [item, weight] of items) {
				target -= weight;
				if (target < 0) return item;
			}
			// Rounding can leave target at ~0 after the last item: the last positive weight wins.
			for (let i = items.length - 1; i >= 0; i--) {
				const entry = items[i];
				if (entry !== undefined && entry[1] > 0) return entry[0];
			}
			throw new RangeError('unreachable: no positive weight');
		},
		shuffle(items) {
			const copy = [...items];
			for (let i = copy.length - 1; i > 0; i--) {
				const j = Math.floor(next() * (i + 1));
				[copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
			}
			return copy;
		},
		normal() {
			// 1 - next() is in (0, 1], so the logarithm is finite.
			const u = 1 - next();
			const v = next();
			return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
		},
		exponential(rate) {
			if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
			return -Math.log(1 - next()) / rate;
		},
		lognormal: (median, sigma) => median * Math.exp(sigma * random.normal()),
		poisson(lambda) {
			if (!(lambda >= 0) || !Number.isFinite(lambda))
				throw new RangeError(`lambda must be finite and >= 0, got ${lambda}`);
			// Count unit-rate exponential gaps that fit in lambda: exact, and O(lambda), which is
			// all the simulator needs (a few dozen per quarter hour at most).
			let count = 0;
			let elapsed = random.exponential(1);
			while (elapsed < lambda) {
				count++;
				elapsed += random.exponential(1);
			}
			return count;
		},
		fork: (label) => fromSeed32(fmix32(seed32 ^ fnv1a(label)))
	};
	return random;
}
