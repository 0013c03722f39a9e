/** What the page and the service worker say to each other, and names both must agree on. */

/** Runtime caches of the plate worker's files are `spms-lpr-<version>`. */
export const LPR_CACHE_PREFIX = 'spms-lpr-';
/** The app shell precached at install is `spms-shell-<app version>`. */
export const SHELL_CACHE_PREFIX = 'spms-shell-';
/** Built files of the other pages, kept when first loaded. */
export const CODE_CACHE = 'spms-code';
/** Pages as last loaded, for offline reloads: the signed-in user's, cleared at sign-out. */
export const PAGES_CACHE = 'spms-pages';

/**
 * Build chunks too big for the install-time precache: the plate worker's bundle (Vite inlines
 * OpenCV.js, 10.9 MB with its WASM, into it) goes to the versioned runtime cache instead, with
 * the models, under the name the server gives it (`/lpr/<name>`, with the headers a worker needs).
 */
export function isLprChunk(url: string): boolean {
	return /\/_app\/immutable\/workers\/.+\.js$/.test(url);
}

export type WarmMessage =
	| { type: 'lpr-progress'; loaded: number; total: number; done: boolean }
	| { type: 'lpr-ready' }
	| { type: 'lpr-error'; message: string };
