/**
 * Evaluates the TypeScript pipeline with the shipped ONNX models, on val splits only:
 *
 *   npm run eval:lpr -- [--data DIR] [--models DIR] [--synthetic DIR | --synthetic-n 600 | --no-synthetic] [--no-refiner] [--no-write]
 *
 * - detector recall and precision at IoU ≥ 0.5 on the real scene val split (intl-openlpr-scenes),
 *   of the detector's boxes and, with a corner refiner, of the boxes around the refined corners
 *   (what readFrame reports);
 * - reader exact match (raw, and after the country's format rules) and character error rate on
 *   each real crop val split, the whole crop as the plate quad, and how many reads a gate's
 *   default confidence threshold accepts and how many of those are wrong;
 * - end-to-end exact plate match (detector + corner refiner when the models folder has one +
 *   rectification + reader + rules; --no-refiner leaves the refiner out) on the fixed
 *   synthetic test set of models/synth_testset.py (generated into a temp folder unless given);
 * - the ten most frequent character confusions of the reader on the real crops.
 *
 * The reader rows read whole crops: the refiner does not change them. Prints the table and
 * writes it into models/README.md between `<!-- eval:lpr start -->` and `<!-- eval:lpr end -->`
 * (added at the end when missing); the rest of that file is left alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Cv } from '../../src/lib/lpr/cv.ts';
import { iou, type Box, type RgbaImage } from '../../src/lib/lpr/geometry.ts';
import { acceptance, characterErrorRate, matchDetections, worstConfusions } from '../../src/lib/lpr/metrics.ts';
import { DEFAULT_MODELS_DIR, createNodePlateReader, loadOpenCv, readImageFile } from '../../src/lib/lpr/node.ts';
import type { PlateReader } from '../../src/lib/lpr/pipeline.ts';
import type { CountryOption } from '../../src/lib/lpr/plate-format.ts';
import { DEFAULT_OCR_CONFIDENCE_THRESHOLD } from '../../src/lib/parking/anomaly-rules.ts';
import { reportFigures } from '../../bench/report.ts';
import { CROP_SETS, DEFAULT_DATA, REPO_ROOT, SCENE_SET, ensureSyntheticSet, readCrops, readLabels } from './datasets.ts';

/** the numbers of the table, in %, for `npm run bench` (bench/report.ts) */
const figures: Record<string, number> = {};
const CROP_MAX_SIDE = 480; // models/plates/data.py load_crops: crops are shrunk (INTER_AREA) to this first
const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

/** Shrinks like data.read_rgb(max_side): INTER_AREA to int(w·s) × int(h·s) when the longer side is larger. */
function shrink(cv: Cv, image: RgbaImage, maxSide: number): RgbaImage {
	const longest = Math.max(image.width, image.height);
	if (longest <= maxSide) return image;
	const s = maxSide / longest;
	const width = Math.max(1, Math.trunc(image.width * s));
	const height = Math.max(1, Math.trunc(image.height * s));
	const src = cv.matFromImageData(image);
	const dst = new cv.Mat();
	try {
		cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_AREA);
		return { data: new Uint8ClampedArray(dst.data), width, height };
	} finally {
		src.delete();
		dst.delete();
	}
}

async function evalDetector(lpr: PlateReader, data: string): Promise<string[]> {
	const folder = join(data, SCENE_SET);
	const rows = readLabels(folder, 'val');
	// The detector alone, and with the corner refiner's second look when one is loaded: readFrame
	// reports the box around the refined corners, so that is the box a user of the pipeline gets.
	const passes = [{ refine: false, figure: 'detector', stage: 'detector' }];
	if (lpr.refinerVersion !== null) passes.push({ refine: true, figure: 'detection', stage: 'detector + refiner' });
	const lines: string[] = [];
	for (const pass of passes) {
		let tp = 0;
		let nd = 0;
		let ng = 0;
		for (const row of rows) {
			const truths = row.plates.flatMap((p) => (p.box ? [p.box] : []));
			// Same top-50, no extra filtering, as the Python evaluation, so the two stay comparable.
			const dets = await lpr.detect(await readImageFile(join(folder, row.image)), { maxPlates: 50, refine: pass.refine });
			const m = matchDetections(dets, truths);
			tp += m.truePositives;
			nd += m.detections;
			ng += m.truths;
		}
		figures[`${pass.figure}.recall`] = (100 * tp) / Math.max(1, ng);
		figures[`${pass.figure}.precision`] = (100 * tp) / Math.max(1, nd);
		lines.push(`| ${pass.stage} | ${SCENE_SET} val | intl | ${rows.length} images, ${ng} plates | recall ${pct(tp / Math.max(1, ng))}, precision ${pct(tp / Math.max(1, nd))} |`);
	}
	return lines;
}

interface ReaderPairs {
	lines: string[];
	pairs: { truth: string; read: string }[];
}

async function evalReader(lpr: PlateReader, cv: Cv, data: string): Promise<ReaderPairs> {
	const lines: string[] = [];
	const all: { truth: string; read: string }[] = [];
	for (const set of CROP_SETS) {
		const folder = join(data, set);
		const pairs: { truth: string; read: string }[] = [];
		const accepted: { truth: string; read: string; confidence: number }[] = [];
		let ruled = 0;
		let country = '';
		for (const crop of readCrops(data, set, 'val')) {
			const { truth } = crop;
			country = crop.country;
			const image = shrink(cv, await readImageFile(join(folder, crop.image)), CROP_MAX_SIDE);
			const [reading] = await lpr.readPlates(image, undefined, crop.country as CountryOption);
			pairs.push({ truth, read: reading?.raw ?? '' });
			if (reading?.text === truth) ruled++;
			accepted.push({ truth, read: reading?.text ?? '', confidence: reading?.confidence ?? 0 });
		}
		const gate = acceptance(accepted, DEFAULT_OCR_CONFIDENCE_THRESHOLD);
		figures[`reader.accepted.${set}`] = (100 * gate.accepted) / Math.max(1, gate.reads);
		figures[`reader.wrongAccepted.${set}`] = (100 * gate.wrongAccepted) / Math.max(1, gate.accepted);
		const exact = pairs.filter((p) => p.truth === p.read).length;
		figures[`reader.exact.${set}`] = (100 * exact) / Math.max(1, pairs.length);
		figures[`reader.rules.${set}`] = (100 * ruled) / Math.max(1, pairs.length);
		figures[`reader.cer.${set}`] = 100 * characterErrorRate(pairs);
		lines.push(
			`| reader | ${set} val | ${country} | ${pairs.length} crops | exact ${pct(exact / Math.max(1, pairs.length))} (with ${country} rules ${pct(ruled / Math.max(1, pairs.length))}), CER ${pct(characterErrorRate(pairs))}; at confidence ≥ ${DEFAULT_OCR_CONFIDENCE_THRESHOLD} (a gate's default) ${pct(gate.accepted / Math.max(1, gate.reads))} accepted, ${gate.wrongAccepted} of them wrong |`
		);
		all.push(...pairs);
	}
	return { lines, pairs: all };
}

async function evalEndToEnd(lpr: PlateReader, dir: string): Promise<string[]> {
	const stats = new Map<string, { frames: number; plates: number; found: number; exact: number; extra: number }>();
	const rows = readLabels(dir, null);
	for (const row of rows) {
		const plates = await lpr.readFrame(await readImageFile(join(dir, row.image)), { country: row.country as CountryOption });
		const s = stats.get(row.country) ?? { frames: 0, plates: 0, found: 0, exact: 0, extra: 0 };
		s.frames++;
		const scored = row.plates.filter((p) => !p.ignore && p.box !== null);
		const ignored = row.plates.filter((p) => p.ignore && p.box !== null).map((p) => p.box as Box);
		const used = new Set<number>();
		for (const truth of scored) {
			s.plates++;
			let best = -1;
			let bestIou = 0.5;
			plates.forEach((p, j) => {
				const v = iou(p.box, truth.box as Box);
				if (!used.has(j) && v >= bestIou) [best, bestIou] = [j, v];
			});
			if (best < 0) continue;
			used.add(best);
			s.found++;
			if (plates[best]?.text === truth.text) s.exact++;
		}
		// A read matching no plate (nor a real plate of the background photo) is a false read.
		s.extra += plates.filter((p, j) => !used.has(j) && !ignored.some((b) => iou(p.box, b) >= 0.5)).length;
		stats.set(row.country, s);
	}
	for (const [country, s] of stats) figures[`e2e.exact.${country}`] = (100 * s.exact) / Math.max(1, s.plates);
	const all = [...stats.values()].reduce((t, s) => ({ exact: t.exact + s.exact, plates: t.plates + s.plates }), { exact: 0, plates: 0 });
	figures['e2e.exact'] = (100 * all.exact) / Math.max(1, all.plates);
	return [...stats]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(
			([country, s]) =>
				`| end-to-end | synthetic test set (seed 990001) | ${country} | ${s.frames} frames, ${s.plates} plates | exact ${pct(s.exact / Math.max(1, s.plates))}, found ${pct(s.found / Math.max(1, s.plates))}, false reads ${s.extra} |`
		);
}

/** Replaces the text between the markers of models/README.md (creating them, or the file). */
function writeModelCard(file: string, table: string): void {
	const start = '<!-- eval:lpr start -->';
	const end = '<!-- eval:lpr end -->';
	const block = `${start}\n${table}\n${end}`;
	const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
	const a = old.indexOf(start);
	const b = old.indexOf(end);
	const next = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + end.length) : `${old}${old === '' || old.endsWith('\n') ? '' : '\n'}\n${block}\n`;
	writeFileSync(file, next);
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: {
			data: { type: 'string', default: DEFAULT_DATA },
			models: { type: 'string', default: DEFAULT_MODELS_DIR },
			synthetic: { type: 'string' },
			'synthetic-n': { type: 'string', default: '600' },
			'no-synthetic': { type: 'boolean', default: false },
			'no-refiner': { type: 'boolean', default: false },
			'no-write': { type: 'boolean', default: false }
		}
	});
	const { data, models } = values;
	if (!existsSync(join(data, SCENE_SET))) {
		console.error(`no datasets at ${data}: pass --data DIR (default ../shared/datasets beside the repository)`);
		return 2;
	}
	const started = performance.now();
	const lpr = await createNodePlateReader({ modelsDir: models, refiner: !values['no-refiner'] });
	const { cv } = await loadOpenCv();
	const lines = ['| stage | data | country | n | result |', '| --- | --- | --- | --- | --- |'];
	let confusions = '';
	try {
		lines.push(...(await evalDetector(lpr, data)));
		const reader = await evalReader(lpr, cv, data);
		lines.push(...reader.lines);
		confusions = worstConfusions(reader.pairs, 10)
			.map((c) => `${c.truth}→${c.read} ×${c.count}`)
			.join(', ');
		if (!values['no-synthetic']) {
			const dir = values.synthetic ?? ensureSyntheticSet(data, Number(values['synthetic-n']));
			lines.push(...(await evalEndToEnd(lpr, dir)));
		}
	} finally {
		await lpr.dispose();
	}
	const versions = `detector.onnx ${lpr.detectorVersion}, reader.onnx ${lpr.readerVersion}, ${lpr.refinerVersion === null ? 'no refiner' : `refiner.onnx ${lpr.refinerVersion}`}`;
	const table = [
		'### TypeScript pipeline (`npm run eval:lpr`)',
		'',
		`${versions}; onnxruntime-node; val splits only; ${new Date().toISOString().slice(0, 10)}.`,
		'',
		...lines,
		'',
		`Ten most frequent reader confusions on the real val crops (truth→read, ∅ = missing): ${confusions || 'none'}.`
	].join('\n');
	console.log(table);
	reportFigures('eval:lpr', figures, [`${versions}; val splits only`]);
	console.error(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
	// The model card describes the shipped models: other --models, or leaving out a shipped
	// refiner, are printed, not recorded.
	if (!values['no-write'] && !values['no-refiner'] && resolve(models) === resolve(DEFAULT_MODELS_DIR)) {
		writeModelCard(join(REPO_ROOT, 'models/README.md'), table);
	}
	return 0;
}

process.exitCode = await main();
