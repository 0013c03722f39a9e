/**
 * Reading the shared labelled datasets (`../shared/datasets`, see its README) and the fixed
 * synthetic end-to-end test set for `npm run eval:lpr`. Images are read in place, never copied.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Box, Quad } from '../../src/lib/lpr/geometry.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** `../shared/datasets` relative to the repository root, as every script defaults to. */
export const DEFAULT_DATA = resolve(REPO_ROOT, '../shared/datasets');

export const CROP_SETS = ['in-lprnet-crops', 'br-openalpr-crops', 'br-openalpr-synth', 'eu-openalpr-crops'] as const;
export const SCENE_SET = 'intl-openlpr-scenes';

export interface LabelPlate {
	readonly text: string | null;
	readonly box: Box | null;
	readonly corners: Quad | null;
	readonly ignore?: boolean;
}

export interface LabelRow {
	readonly image: string;
	readonly plates: readonly LabelPlate[];
	readonly country: string;
	readonly split: string;
	readonly kind: 'crop' | 'scene';
	readonly synthetic: boolean;
}

/** The rows of one dataset folder's `labels.jsonl` with the given split (all splits when null). */
export function readLabels(folder: string, split: string | null): LabelRow[] {
	return readFileSync(join(folder, 'labels.jsonl'), 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as LabelRow)
		.filter((row) => split === null || row.split === split);
}

/**
 * The training side's label fixes (`models/label-corrections.jsonl`, rows of
 * `{dataset, image, new}`; `new: null` drops the crop), applied as `models/plates/data.py` does so
 * that both evaluations score against the same truth.
 */
export function readCorrections(file = join(REPO_ROOT, 'models/label-corrections.jsonl')): Map<string, string | null> {
	const out = new Map<string, string | null>();
	if (!existsSync(file)) return out;
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		if (line.trim() === '') continue;
		const r = JSON.parse(line) as { dataset: string; image: string; new: string | null };
		out.set(`${r.dataset}/${r.image}`, r.new);
	}
	return out;
}

/** One real crop to score: its image (relative to the dataset folder), text and country. */
export interface ScoredCrop {
	readonly image: string;
	readonly truth: string;
	readonly country: string;
}

/**
 * The crops of one crop dataset's split with the label corrections applied (dropped ones left
 * out). The datasets split by plate text, but a mislabelled crop can show a plate of the other
 * split: once corrected, a val crop whose plate is also in train is left out of val (it measures
 * a car trained on), as `models/plates/data.py` load_crops does.
 */
export function readCrops(data: string, set: string, split: string, corrections = readCorrections()): ScoredCrop[] {
	const rows = readLabels(join(data, set), null).map((row) => {
		const key = `${set}/${row.image}`;
		return { row, truth: corrections.has(key) ? corrections.get(key) : row.plates[0]?.text };
	});
	const trained = new Set(split === 'val' ? rows.filter((r) => r.row.split === 'train' && r.truth).map((r) => r.truth) : []);
	return rows.flatMap(({ row, truth }) => (row.split === split && truth && !trained.has(truth) ? [{ image: row.image, truth, country: row.country }] : []));
}

/**
 * The synthetic end-to-end test set of `models/synth_testset.py` (seed 990001, never used in
 * training). Generated once into a temp folder named after a hash of the generator's code, so a
 * changed renderer makes a new set and an unchanged one is reused.
 * @throws Error when the generator fails (e.g. /usr/bin/python3 without cv2 or PIL)
 */
export function ensureSyntheticSet(data: string, n: number, python = '/usr/bin/python3'): string {
	const hash = createHash('sha256');
	const models = join(REPO_ROOT, 'models');
	hash.update(readFileSync(join(models, 'synth_testset.py')));
	for (const f of readdirSync(join(models, 'plates')).filter((f) => f.endsWith('.py')).sort()) {
		hash.update(f).update(readFileSync(join(models, 'plates', f)));
	}
	const dir = join(tmpdir(), `spms-lpr-synth-${hash.digest('hex').slice(0, 12)}-${n}`);
	const labels = join(dir, 'labels.jsonl');
	if (existsSync(labels) && readFileSync(labels, 'utf8').trim().split('\n').length === n) return dir;
	console.error(`generating ${n} synthetic test frames into ${dir} …`);
	const run = spawnSync(python, [join(models, 'synth_testset.py'), dir, '--n', String(n), '--data', data], {
		stdio: ['ignore', 'inherit', 'inherit']
	});
	if (run.status !== 0) throw new Error(`models/synth_testset.py failed (exit ${run.status ?? run.signal})`);
	return dir;
}
