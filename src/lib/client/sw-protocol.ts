/** What the page and the service worker say to each other, and names both must agree on. */

/** Runtime caches of the plate worker's files are `spms-lpr-<version>`. */
export const LPR_CACHE_PREFIX = 'spms-lpr-';

/**
 * Build chunks too big for the install-time precache: the plate worker's bundle (Vite inlines
 * OpenCV.js, 10.9 MB with its WASM, into it) goes to the versioned runtime cache instead, with
 * the models.
 */
export function isLprChunk(url: string): boolean {
	return /\/_app\/immutable\/workers\/.+\.js$/.test(url);
}

export type WarmMessage =
	| { type: 'lpr-progress'; loaded: number; total: number; done: boolean }
	| { type: 'lpr-ready' }
	| { type: 'lpr-error'; message: string };
