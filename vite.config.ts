import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.spec.ts', 'tests/unit/**/*.spec.ts'],
		environment: 'node',
		// Service tests share one MariaDB server; each file makes its own throwaway database.
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
