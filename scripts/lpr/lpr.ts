/**
 * Plate recognition from the command line.
 *
 *   npm run lpr -- read [--json] [--country in|eu|us|br|auto] [--models DIR] [--threshold 0.3] [--no-refiner] FILE...
 *
 * With --json, one line per file, in the order given:
 *   {"file": "<path as given>", "plates": [{"text", "confidence", "box": [x,y,w,h], "corners": [[x,y],…]}], "ms": <ms>}
 * or, for a file that cannot be read or decoded, {"file": "<path>", "error": "<why>"}; the other
 * files go on. Without --json, a table. The models load once per run; the corner refiner too when
 * its files are in the models folder (--no-refiner reads in the detector's corners). `corners` are
 * the corners each plate was read in.
 *
 * Exit status: 0 when every file was read, 1 when some file failed, 2 for a usage error or
 * models that do not load.
 */
import { parseArgs } from 'node:util';
import { createNodePlateReader, readImageFile } from '../../src/lib/lpr/node.ts';
import type { PlateRead, PlateReader } from '../../src/lib/lpr/pipeline.ts';
import type { CountryOption } from '../../src/lib/lpr/plate-format.ts';

const USAGE = 'usage: npm run lpr -- read [--json] [--country in|eu|us|br|auto] [--models DIR] [--threshold 0..1] [--no-refiner] FILE...';
const COUNTRIES: readonly CountryOption[] = ['in', 'eu', 'us', 'br', 'auto'];

type Line = { file: string; plates: JsonPlate[]; ms: number } | { file: string; error: string };
type JsonPlate = { text: string; confidence: number; box: number[]; corners: number[][] };

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

function toJson(p: PlateRead): JsonPlate {
	return {
		text: p.text,
		confidence: round(p.confidence, 4),
		box: p.box.map((v) => round(v, 1)),
		corners: p.corners.map(([x, y]) => [round(x, 1), round(y, 1)])
	};
}

async function readOne(lpr: PlateReader, file: string, country: CountryOption, threshold: number | undefined): Promise<Line> {
	const start = performance.now();
	try {
		const image = await readImageFile(file);
		const plates = await lpr.readFrame(image, threshold === undefined ? { country } : { country, threshold });
		return { file, plates: plates.map(toJson), ms: round(performance.now() - start, 1) };
	} catch (e) {
		const error = e instanceof Error ? e : new Error(String(e));
		const kind = 'kind' in error && typeof error.kind === 'string' ? `${error.kind}: ` : '';
		return { file, error: `${kind}${error.message}` };
	}
}

function tableRow(line: Line): string {
	const file = line.file.padEnd(32);
	if ('error' in line) return `${file} error: ${line.error}`;
	if (line.plates.length === 0) return `${file} ${'(no plate)'.padEnd(14)} ${''.padEnd(6)} ${''.padEnd(24)} ${line.ms.toFixed(0).padStart(6)}`;
	return line.plates
		.map((p, i) => {
			const [x, y, w, h] = p.box.map((v) => Math.round(v));
			const box = `${x},${y} ${w}x${h}`;
			return `${(i === 0 ? line.file : '').padEnd(32)} ${p.text.padEnd(14)} ${p.confidence.toFixed(2).padEnd(6)} ${box.padEnd(24)} ${i === 0 ? line.ms.toFixed(0).padStart(6) : ''}`;
		})
		.join('\n');
}

async function main(argv: string[]): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			allowNegative: true,
			options: {
				refiner: { type: 'boolean', default: true },
				json: { type: 'boolean', default: false },
				country: { type: 'string', default: 'auto' },
				models: { type: 'string' },
				threshold: { type: 'string' },
				help: { type: 'boolean', short: 'h', default: false }
			}
		});
	} catch (e) {
		console.error(`${(e as Error).message}\n${USAGE}`);
		return 2;
	}
	const { values, positionals } = parsed;
	const [command, ...files] = positionals;
	if (values.help) {
		console.log(USAGE);
		return 0;
	}
	const country = values.country as CountryOption;
	const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
	if (command !== 'read' || files.length === 0 || !COUNTRIES.includes(country) || (threshold !== undefined && !(threshold > 0 && threshold < 1))) {
		console.error(USAGE);
		return 2;
	}

	let lpr: PlateReader;
	try {
		lpr = await createNodePlateReader({ ...(values.models === undefined ? {} : { modelsDir: values.models }), refiner: values.refiner });
	} catch (e) {
		console.error(`cannot load the models: ${(e as Error).message}`);
		return 2;
	}
	if (!values.json) {
		console.log(`${'FILE'.padEnd(32)} ${'PLATE'.padEnd(14)} ${'CONF'.padEnd(6)} ${'BOX x,y wxh'.padEnd(24)} ${'MS'.padStart(6)}`);
	}
	let failed = 0;
	try {
		for (const file of files) {
			const line = await readOne(lpr, file, country, threshold);
			if ('error' in line) failed++;
			console.log(values.json ? JSON.stringify(line) : tableRow(line));
		}
	} finally {
		await lpr.dispose();
	}
	return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
