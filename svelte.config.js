import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: adapter(),
		// registered by the app ($lib/client/pwa.svelte.ts), which also drives the update prompt
		serviceWorker: { register: false },
		// Our own origin check (hooks.server.ts `csrf`) replaces kit's: kit refuses every form-typed
		// POST without an Origin header, which breaks gates and the original API's multipart
		// uploads (non-browser clients), and it answers in plain text rather than our JSON shape.
		csrf: { trustedOrigins: ['*'] },
		// CSP with hashes/nonces for kit's own inline bootstrap script; no 'unsafe-inline' scripts.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'media-src': ['self', 'blob:'],
				'connect-src': ['self'],
				'worker-src': ['self', 'blob:'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
