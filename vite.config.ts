import { relative } from 'node:path';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The routes a phone or a gate tablet needs without a network: their JS and CSS (with the
 * layout's, the error page's and kit's entry) are the PWA's app shell, precached at install.
 * The other pages (admin, reports with chart.js, tariffs with zod) are loaded when visited and
 * then kept by the service worker; they need the server anyway.
 */
const SHELL_ROUTES = ['+layout.svelte', '+error.svelte', '+page.svelte', 'login/+page.svelte', 'patrol/+page.svelte', 'gate/+page.svelte', 'offline/+page.svelte'].map((f) => `src/routes/${f}`);
/** Where the service worker (and `npm run bench:pwa`) find the shell's files, in build/client. */
export const PWA_SHELL_FILE = '_app/pwa-shell.json';

/** Writes {@link PWA_SHELL_FILE}: every file the shell routes load, from the client bundle's import graph. */
function pwaShell(): Plugin {
	let ssr = true;
	return {
		name: 'spms-pwa-shell',
		apply: 'build',
		configResolved(config) {
			ssr = Boolean(config.build.ssr);
		},
		generateBundle(_, bundle) {
			if (ssr) return;
			const chunks = new Map(Object.values(bundle).flatMap((o) => (o.type === 'chunk' ? [[o.fileName, o] as const] : [])));
			// kit's entry, and the route nodes (each an entry of its own) of the shell's routes
			const roots = [...chunks.values()].filter((c) => c.fileName.startsWith('_app/immutable/entry/') || c.moduleIds.some((id) => SHELL_ROUTES.includes(relative(process.cwd(), id))));
			const files = new Set<string>();
			const visit = (fileName: string) => {
				const chunk = chunks.get(fileName);
				if (!chunk || files.has(fileName)) return;
				files.add(fileName);
				for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
				for (const asset of chunk.viteMetadata?.importedAssets ?? []) files.add(asset);
				chunk.imports.forEach(visit);
			};
			roots.forEach((c) => visit(c.fileName));
			// the plate worker (a `?worker&url` asset) goes to the models' cache, not the precache
			const shell = [...files].filter((f) => !f.startsWith('_app/immutable/workers/')).sort();
			this.emitFile({ type: 'asset', fileName: PWA_SHELL_FILE, source: JSON.stringify({ files: shell.map((f) => `/${f}`) }) });
		}
	};
}

/**
 * ORT's bundle names its WASM with `new URL(…, import.meta.url)`, so Vite copies the 14 MB file
 * into the worker's assets. The worker loads it from `/lpr/` instead (gzip at rest, versioned with
 * the models): the copy is dead weight (and minutes of the build's brotli).
 */
function dropOrtWasmCopy(): Plugin {
	return {
		name: 'spms-drop-ort-wasm-copy',
		apply: 'build',
		generateBundle(_, bundle) {
			for (const name of Object.keys(bundle)) if (/ort-wasm-[\w.-]+\.wasm$/.test(name)) delete bundle[name];
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), pwaShell()],
	// as hooks.server.ts sends them: the dev server's modules (the plate worker) load in an isolated page
	server: { headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'credentialless' } },
	// the plate worker as an ES module: OpenCV.js stays a chunk of its own, loaded on init
	worker: { format: 'es', plugins: () => [dropOrtWasmCopy()] },
	test: {
		include: ['src/**/*.spec.ts', 'tests/unit/**/*.spec.ts'],
		environment: 'node',
		// Service tests share one MariaDB server; each file makes its own throwaway database.
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
