/**
 * `npm run bench:gates`: simulated gates posting photos to the built server (`npm run build`
 * first) on a throwaway MariaDB database on loopback, open loop at a fixed total rate, with a
 * share of the posts retried with the same idempotency key as a gate on flaky Wi-Fi does.
 * Prints decision latency p50/p95/p99, errors, replies that differ between a post and its
 * retry, and duplicate sessions. Goal: p99 ≤ 300 ms, 0 errors, 0 duplicates on a 2-core machine.
 *
 * Measured (default photos, 200 gates, 20/s, 60 s, MariaDB; load = 1-min load average during the run):
 * - before (last session's report): p50 341 / p95 2379 / p99 3129 ms, 2 errors (409 session_not_active).
 * - 2026-12-02, race fixed, libjpeg-turbo decode, claim before read (no second read for a retry),
 *   photo stored while read, fewer statements: machine otherwise idle (load 1.0 → 2.7, the bench
 *   itself): p50 173 / p95 1681 / p99 1905 ms, 0 errors, 0 duplicates. Under the usual shared load
 *   (training + other sessions, load 12-17) the reader falls behind at 20/s (reader_busy 503s).
 * - 2026-12-02 (later), idle machine, the lot on generic plate rules (the photos' countries; in an
 *   Indian lot 1050 of 1200 were held as not an Indian plate): 1193 opens, 183 sessions, p50 42 /
 *   p95 52 / p99 61 ms, 0 errors, 0 duplicates; with --scenes of the synthetic test set (known
 *   plates, 809 of 1324 answers read right): p50 58 / p95 80 / p99 98 ms. Since the run above:
 *   request bodies always drained (kept-alive connections no longer reset), a fresh machine.
 * Per capture the worker spends ~48 ms of a core (detector 29, reader 8 for ~2.4 boxes, detector
 * input 6, decode 2.4; 1280×720: decode 23 ms, was ~95 with jpeg-js) and the event loop ~15-20 ms:
 * 20/s is ~1.3 of the 2 cores, so the tail is queueing; the fixed 640×384 detector is the floor.
 *
 * Options: --gates N (200), --rate N captures/s in total (20), --seconds N (60), --retry F (0.1),
 * --engine mysql|sqlite (mysql), --port N for the server (4196), --threshold F: the server's OCR_CONFIDENCE_THRESHOLD (default 0,
 * so that whatever the models read opens or denies and the session path is exercised; with the
 * real threshold and models still in training nearly every capture is a hold).
 *
 * Photos: --scenes DIR, a folder with labels.jsonl in the datasets' format (e.g. the synthetic
 * test set of `/usr/bin/python3 models/synth_testset.py DIR --n 200`: cars with known plates, so
 * the bench also says how many reads were right); else the scenes of
 * ../shared/datasets/intl-openlpr-scenes (real cars; most plates unlabelled); else synthetic JPEGs.
 * --country (generic): the lot's plate rules. The default photos are of many countries: in an
 * Indian lot most of their reads fail the format and are held, and the session path is barely
 * run (seen 2026-12-02: 1050 of 1200 captures hold/unreadable, p99 69 ms).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { testJpeg } from '../src/lib/server/gates/testing.ts';
import { reportFigures } from './report.ts';
import { machine, quantile, root, startServer } from './support.ts';

const { values } = parseArgs({
	options: {
		gates: { type: 'string', default: '200' },
		rate: { type: 'string', default: '20' },
		seconds: { type: 'string', default: '60' },
		retry: { type: 'string', default: '0.1' },
		engine: { type: 'string', default: 'mysql' },
		threshold: { type: 'string', default: '0' },
		port: { type: 'string', default: '4196' },
		photos: { type: 'string', default: '200' },
		scenes: { type: 'string' },
		country: { type: 'string', default: 'generic' }
	}
});
const gateCount = Number(values.gates);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const retryShare = Number(values.retry);
const engine = values.engine as 'mysql' | 'sqlite';

interface Photo {
	bytes: Buffer;
	/** the plates in it, when known */
	plates: string[];
}

function loadPhotos(limit: number, scenes: string | undefined): { source: string; photos: Photo[] } {
	if (scenes) {
		const rows = readFileSync(join(scenes, 'labels.jsonl'), 'utf8').trim().split('\n').slice(0, limit).map((l) => JSON.parse(l) as { image: string; plates: Array<{ text: string | null }> });
		return {
			source: `${rows.length} scenes with known plates from ${scenes}`,
			photos: rows.map((r) => ({ bytes: readFileSync(join(scenes, r.image)), plates: r.plates.map((p) => p.text).filter((t): t is string => t !== null) }))
		};
	}
	const dir = join(root, '../shared/datasets/intl-openlpr-scenes/images');
	if (existsSync(dir)) {
		const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, limit);
		if (files.length) return { source: `${files.length} scenes from intl-openlpr-scenes`, photos: files.map((f) => ({ bytes: readFileSync(join(dir, f)), plates: [] })) };
	}
	return { source: `${limit} synthetic 640×480 JPEGs`, photos: Array.from({ length: limit }, (_, i) => ({ bytes: Buffer.from(testJpeg(640, 480, i)), plates: [] })) };
}

interface Post {
	key: string;
	photo: Photo;
	latency: number;
	status: number;
	body: string;
}

const { source, photos } = loadPhotos(Number(values.photos), values.scenes);
console.log(`bench:gates — ${gateCount} gates, ${rate} captures/s for ${seconds} s, ${Math.round(retryShare * 100)}% retried, ${engine}, OCR_CONFIDENCE_THRESHOLD=${values.threshold}, lot plates ${values.country}; ${source}; ${machine()}`);
const server = await startServer(engine, Number(values.port), { OCR_CONFIDENCE_THRESHOLD: values.threshold });
try {
	const admin = { authorization: `Bearer ${await server.token('admin')}`, 'content-type': 'application/json' };
	const api = async (path: string, body: unknown) => {
		const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
		if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
		return res.json();
	};
	const lot = await api('/api/v1/lots', { name: 'Bench gates', country: values.country, capacity: { car: 100_000 } });
	const gates: Array<{ id: string; key: string }> = [];
	for (let i = 0; i < gateCount; i++) {
		const key = await api('/api/v1/device-keys', { name: `bench gate ${i}` });
		const gate = await api(`/api/v1/lots/${lot.id}/gates`, { name: `Gate ${i}`, direction: 'both', deviceKeyId: key.id });
		gates.push({ id: gate.id, key: key.key });
	}
	const post = async (gate: { id: string; key: string }, key: string, photo: Photo): Promise<Post> => {
		const t = performance.now();
		try {
			const res = await fetch(`${server.url}/api/v1/gates/${gate.id}/captures`, {
				method: 'POST',
				headers: { authorization: `Bearer ${gate.key}`, 'content-type': 'image/jpeg', 'idempotency-key': key, 'x-capture-time': String(Date.now()) },
				body: photo.bytes
			});
			const body = await res.text();
			return { key, photo, latency: performance.now() - t, status: res.status, body };
		} catch (error) {
			return { key, photo, latency: performance.now() - t, status: 0, body: String(error) };
		}
	};
	// warm-up: the reader pool starts on the first capture (models, OpenCV), connections, JIT
	const warm: Post[] = [];
	for (let i = 0; i < 20; i++) warm.push(await post(gates[i % gates.length]!, `warm-${i}`, photos[i % photos.length]!));

	const posts: Post[] = [];
	const retried = new Set<string>();
	const inflight: Promise<void>[] = [];
	const total = Math.round(rate * seconds);
	const started = performance.now();
	for (let i = 0; i < total; i++) {
		const due = started + (i * 1000) / rate;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		const gate = gates[Math.floor(Math.random() * gates.length)]!;
		const photo = photos[Math.floor(Math.random() * photos.length)]!;
		const key = `cap-${i}`;
		inflight.push(post(gate, key, photo).then((p) => void posts.push(p)));
		if (Math.random() < retryShare) {
			retried.add(key);
			// the gate didn't hear back in time and sends it again, a little later
			const later = 50 + Math.random() * 1500;
			inflight.push(new Promise<void>((r) => setTimeout(r, later)).then(() => post(gate, key, photo)).then((p) => void posts.push(p)));
		}
	}
	await Promise.all(inflight);
	const elapsed = (performance.now() - started) / 1000;

	const ok = posts.filter((p) => p.status === 200);
	const errors = posts.filter((p) => p.status !== 200);
	const byKey = new Map<string, string[]>();
	for (const p of ok) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p.body]);
	const mismatched = [...byKey.values()].filter((bodies) => new Set(bodies).size > 1).length;
	const answers = [...byKey.values()].map((b) => JSON.parse(b[0]!) as { decision: string; reason: string; session_id: string | null });
	const labelled = ok.filter((p) => p.photo.plates.length > 0);
	const readRight = labelled.filter((p) => p.photo.plates.includes((JSON.parse(p.body) as { plate: string | null }).plate ?? '')).length;
	const decisions: Record<string, number> = {};
	for (const a of answers) decisions[`${a.decision}/${a.reason}`] = (decisions[`${a.decision}/${a.reason}`] ?? 0) + 1;
	// every session in the lot must be one that exactly one capture's answer says it started
	const started_ = (list: typeof answers) => list.filter((a) => a.decision === 'open' && (a.reason === 'welcome' || a.reason === 'permit')).map((a) => a.session_id);
	const warmAnswers = warm.filter((p) => p.status === 200).map((p) => JSON.parse(p.body) as (typeof answers)[number]);
	const opened = new Set([...started_(answers), ...started_(warmAnswers)]);
	const sessions = await fetch(`${server.url}/api/v1/sessions?lotId=${lot.id}&limit=1`, { headers: { authorization: admin.authorization } }).then((r) => r.json());
	if (typeof sessions.total !== "number") throw new Error(`the session count could not be read: ${JSON.stringify(sessions).slice(0, 300)}`);
	const duplicates = (sessions.total as number) - opened.size;
	const latencies = ok.map((p) => p.latency);

	console.log(`\n${posts.length} posts (${total} captures + ${retried.size} retries) in ${elapsed.toFixed(1)} s`);
	console.log(`decisions: ${Object.entries(decisions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
	if (labelled.length) console.log(`plates read right: ${readRight} of ${labelled.length} answers for photos with known plates`);
	console.log('\n| p50 ms | p95 ms | p99 ms | max ms | errors | retry replies differing | sessions | duplicate sessions |');
	console.log('|---|---|---|---|---|---|---|---|');
	console.log(`| ${quantile(latencies, 0.5).toFixed(0)} | ${quantile(latencies, 0.95).toFixed(0)} | ${quantile(latencies, 0.99).toFixed(0)} | ${Math.max(...latencies).toFixed(0)} | ${errors.length} | ${mismatched} | ${sessions.total} | ${duplicates} |`);
	if (errors.length) {
		const kinds: Record<string, number> = {};
		for (const e of errors) kinds[`${e.status} ${e.body.slice(0, 80)}`] = (kinds[`${e.status} ${e.body.slice(0, 80)}`] ?? 0) + 1;
		console.log('errors:', kinds);
	}
	const p99 = quantile(latencies, 0.99);
	reportFigures(
		'bench:gates',
		{ p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99, max: Math.max(...latencies), errors: errors.length, mismatched, duplicates, posts: posts.length, sessions: sessions.total, ...(labelled.length ? { readRight, labelled: labelled.length } : {}) },
		[`${gateCount} gates, ${rate} captures/s for ${seconds} s, ${Math.round(retryShare * 100)}% retried, ${engine}, OCR_CONFIDENCE_THRESHOLD=${values.threshold}; ${source}`]
	);
	console.log(`\ngoal: p99 ≤ 300 ms, 0 errors, 0 duplicates → ${p99 <= 300 && errors.length === 0 && mismatched === 0 && duplicates === 0 ? 'met' : 'not met'}`);
} finally {
	await server.stop();
}
