/**
 * Both evaluations (`npm run eval:lpr` in TypeScript, `models/eval.py` and training's val curve in
 * Python) must score the same val crops against the same truth, and none of them may show a plate
 * the training split holds: a corrected label can move a crop onto a plate of the other split.
 * Reads `../shared/datasets` in place; runs Debian's /usr/bin/python3.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PYTHON, REPO_ROOT, pythonMissing } from '../../src/lib/lpr/test-support.ts';
import { CROP_SETS, DEFAULT_DATA, readCrops } from '../../scripts/lpr/datasets.ts';

const missing = pythonMissing ?? (existsSync(join(DEFAULT_DATA, CROP_SETS[0])) ? null : `no datasets at ${DEFAULT_DATA}`);

describe.skipIf(missing !== null)('the real crop splits', () => {
	test('a val crop never shows a plate of the train split, corrections applied', () => {
		for (const set of CROP_SETS) {
			const trained = new Set(readCrops(DEFAULT_DATA, set, 'train').map((c) => c.truth));
			const val = readCrops(DEFAULT_DATA, set, 'val');
			expect(val.length, set).toBeGreaterThan(20);
			expect(val.filter((c) => trained.has(c.truth)), set).toEqual([]);
		}
	});

	test('TypeScript and Python read the same val crops with the same truth', () => {
		const python = JSON.parse(
			execFileSync(
				PYTHON,
				[
					'-c',
					`import sys, json; sys.path.insert(0, sys.argv[1])
from plates.data import CROP_SETS, load_crops
print(json.dumps({k: [[c.image, c.text] for c in load_crops(sys.argv[2], k, "val", load=False)] for k in CROP_SETS}))`,
					join(REPO_ROOT, 'models'),
					DEFAULT_DATA
				],
				{ encoding: 'utf8' }
			)
		) as Record<string, [string, string][]>;
		for (const set of CROP_SETS) expect(readCrops(DEFAULT_DATA, set, 'val').map((c) => [c.image, c.truth]), set).toEqual(python[set]);
	});
});
