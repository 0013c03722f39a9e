/**
 * The reader's training infers where a real two-line Indian crop breaks into lines, choosing only
 * among the breaks `models/plates/formats.py: indian_line_breaks` allows. Those must be the
 * breaks the synthetic generator itself prints (`indian`), or training would teach two layouts.
 * Runs Debian's /usr/bin/python3 (numpy only; .ci/run installs python3-opencv, which brings it).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PYTHON, REPO_ROOT, pythonMissing } from '../../src/lib/lpr/test-support.ts';

function python(code: string): unknown {
	return JSON.parse(execFileSync(PYTHON, ['-c', code, join(REPO_ROOT, 'models')], { encoding: 'utf8' }));
}

describe.skipIf(pythonMissing !== null)('indian_line_breaks (models/plates/formats.py)', () => {
	test('plain values: after state and RTO, before the number; Bharat series after BH; nothing for other texts', () => {
		const breaks = python(`
import sys, json; sys.path.insert(0, sys.argv[1])
from plates.formats import indian_line_breaks as f
print(json.dumps({t: f(t) for t in ["KA01AB1234", "KA5X1234", "MH121234", "22BH1234AA", "W1518B", "KA01AB12345"]}))`);
		expect(breaks).toEqual({ KA01AB1234: [4, 6], KA5X1234: [3, 4], MH121234: [4], '22BH1234AA': [4], W1518B: [], KA01AB12345: [] });
	});

	test('every two-line plate the generator prints breaks where the rule allows', () => {
		const result = python(`
import sys, json; sys.path.insert(0, sys.argv[1])
import numpy as np
from plates.formats import indian, indian_line_breaks
bad, two = [], 0
for i in range(3000):
    lay = indian(np.random.default_rng([7, i]))
    if len(lay.lines) != 2:
        continue
    two += 1
    top = "".join(c for c in lay.lines[0] if c.isalnum())
    if len(top) not in indian_line_breaks(lay.text):
        bad.append(lay.lines)
print(json.dumps({"two": two, "bad": bad[:5]}))`) as { two: number; bad: string[][] };
		expect(result.two).toBeGreaterThan(300);
		expect(result.bad).toEqual([]);
	});
});
