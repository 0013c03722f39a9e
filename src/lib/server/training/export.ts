/**
 * Our own training data: every plate a person confirmed or corrected on a photo is a labelled
 * example — a held gate capture they let through (the plate they settled on), and the exit photo
 * of an anomaly they merged into its entry session (the entry's plate). Exported in the layout of
 * `../shared/datasets` (`images/` + `labels.jsonl`, one object per image; `kind: "scene"`, the
 * whole gate photo with no box) so the recognition models can be retrained on a site's plates.
 *
 * Privacy and retention: only photos the retention job has not removed (younger than their lot's
 * `imageRetentionDays`) can be exported, and lots can be left out; labels carry the plate text,
 * the lot's plate country and the capture id — no session, person, phone or payment data.
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { findAnomaly } from '../parking/anomalies.repo.ts';
import { listLots } from '../parking/lots.repo.ts';
import type { ImageStore } from '../storage/storage.ts';
import { captureById, captureTakenAt } from '../review/review.repo.ts';
import { mergeEntries, resolvedCaptures } from './examples.repo.ts';
import { tar } from './tar.ts';

const DAY = 86_400_000;
/** At most this many examples per export (a download, not a backup). */
export const MAX_EXAMPLES = 5000;

export interface Example {
	captureId: string;
	lotId: string;
	imageKey: string;
	/** the plate as the person settled it */
	text: string;
	/** what the camera read, when it differed (a correction) */
	read: string | null;
	source: 'held-capture' | 'anomaly-merge';
	at: number;
}

export interface ExampleQuery {
	from: number;
	until: number;
	/** lots to leave out (privacy: a site that did not agree to share its photos) */
	excludeLotIds?: string[];
}

/** The labelled examples in the window, newest first, one per photo. */
export async function trainingExamples(db: Database, q: ExampleQuery, now: number): Promise<Example[]> {
	return db.run(async (x) => {
		const lots = new Map((await listLots(x)).map((l) => [l.id, l]));
		const keep = (lotId: string, at: number) => {
			const lot = lots.get(lotId);
			return lot !== undefined && !q.excludeLotIds?.includes(lotId) && at >= now - lot.imageRetentionDays * DAY;
		};
		const out = new Map<string, Example>();
		for (const c of await resolvedCaptures(x, q.from, q.until, MAX_EXAMPLES)) {
			if (!c.imageKey || !c.plate || !keep(c.lotId, c.receivedAt)) continue;
			const read = typeof c.answer?.plate === 'string' ? c.answer.plate : null;
			out.set(c.captureId, { captureId: c.captureId, lotId: c.lotId, imageKey: c.imageKey, text: c.plate, read: read && read !== c.plate ? read : null, source: 'held-capture', at: c.receivedAt });
		}
		for (const m of await mergeEntries(x, q.from, q.until, MAX_EXAMPLES)) {
			const plate = typeof m.details?.plate === 'string' ? m.details.plate : null;
			const anomaly = m.anomalyId ? await findAnomaly(x, m.anomalyId) : undefined;
			if (!plate || !anomaly) continue;
			const ev = anomaly.evidence;
			const capture = typeof ev.captureId === 'string' ? await captureById(x, ev.captureId) : typeof ev.gateId === 'string' ? await captureTakenAt(x, ev.gateId, anomaly.detectedAt) : undefined;
			if (!capture?.imageKey || out.has(capture.id) || !keep(capture.lotId, capture.receivedAt)) continue;
			out.set(capture.id, { captureId: capture.id, lotId: capture.lotId, imageKey: capture.imageKey, text: plate, read: capture.plate !== plate ? capture.plate : null, source: 'anomaly-merge', at: capture.receivedAt });
		}
		return [...out.values()].sort((a, b) => b.at - a.at).slice(0, MAX_EXAMPLES);
	});
}

/** About 10 % `val`, by the sha1 of the plate text (photos of one plate never straddle the split), as the shared datasets do. */
export function splitOf(text: string): 'train' | 'val' {
	return createHash('sha1').update(text).digest()[0]! < 26 ? 'val' : 'train';
}

/** One `labels.jsonl` line, in the shared datasets' fields. */
export function labelLine(e: Example, image: string, country: string): string {
	return JSON.stringify({
		image,
		plates: [{ text: e.text, box: null, corners: null, lines: null }],
		country,
		source: `spms:${e.source}`,
		split: splitOf(e.text),
		kind: 'scene',
		synthetic: false,
		orig: `capture:${e.captureId}`,
		...(e.read ? { camera_read: e.read } : {})
	});
}

/**
 * The examples as a dataset folder `name/` (images + labels.jsonl) in one tar archive; photos
 * already removed from storage are left out.
 * @returns the archive and how many examples it holds
 */
export async function exportTrainingData(db: Database, images: ImageStore, q: ExampleQuery, name: string, now: number): Promise<{ archive: Uint8Array; examples: number }> {
	const examples = await trainingExamples(db, q, now);
	const country = new Map((await db.run((x) => listLots(x))).map((l) => [l.id, l.country]));
	const files: Array<{ path: string; bytes: Uint8Array }> = [];
	const lines: string[] = [];
	for (const e of examples) {
		const obj = await images.get(e.imageKey);
		if (!obj) continue;
		const ext = e.imageKey.split('.').pop();
		const image = `images/${e.text}-${createHash('sha1').update(e.captureId).digest('hex').slice(0, 6)}.${ext}`;
		files.push({ path: `${name}/${image}`, bytes: obj.bytes });
		lines.push(labelLine(e, image, country.get(e.lotId) ?? 'intl'));
	}
	files.unshift({ path: `${name}/labels.jsonl`, bytes: new TextEncoder().encode(lines.length ? `${lines.join('\n')}\n` : '') });
	return { archive: tar(files, now), examples: lines.length };
}
