import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// the plate worker as an ES module: OpenCV.js stays a chunk of its own, loaded on init
	worker: { format: 'es' },
	test: {
		include: ['src/**/*.spec.ts', 'tests/unit/**/*.spec.ts'],
		environment: 'node',
		// Service tests share one MariaDB server; each file makes its own throwaway database.
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
