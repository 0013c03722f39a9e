/**
 * Makes the PWA suites' camera fixtures once (synthetic scenes with known plates, a fake-camera
 * video, black frames) with the plate generator: `scripts/pwa/fixtures.py` into tests/.fixtures/pwa.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { FIXTURES } from './pwa-support.ts';

test('camera fixtures', () => {
	if (['camera.y4m', 'black.y4m', 'labels.json', 'scene-0.jpg'].every((f) => existsSync(join(FIXTURES, f)))) return;
	execFileSync('/usr/bin/python3', [join(import.meta.dirname, '../../scripts/pwa/fixtures.py'), FIXTURES], { stdio: 'inherit', timeout: 120_000 });
});
