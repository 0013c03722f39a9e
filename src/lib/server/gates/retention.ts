/**
 * Image retention: capture photos older than their lot's `imageRetentionDays` are deleted from
 * storage; the capture row stays (its decision and plate are the record), without its image.
 * Evidence photos have no row: they live under `evidence/{lotId}/{day}/`, and whole days past
 * retention are deleted.
 */
import type { Database } from '../db/database.ts';
import type { Job } from '../jobs/scheduler.ts';
import { log } from '../log.ts';
import { listLots } from '../parking/lots.repo.ts';
import { scopeFolder, type ImageStore } from '../storage/storage.ts';
import { capturesWithImagesBefore, updateCapture } from './captures.repo.ts';

const DAY = 24 * 60 * 60_000;

/**
 * Deletes capture images past retention, at most `batch` per lot per call (the job comes back).
 * @returns how many images were deleted
 */
export async function pruneCaptureImages(db: Database, images: ImageStore, now: number, batch = 500): Promise<number> {
	let deleted = 0;
	for (const lot of await db.run((x) => listLots(x))) {
		const old = await db.run((x) => capturesWithImagesBefore(x, lot.id, now - lot.imageRetentionDays * DAY, batch));
		for (const capture of old) {
			try {
				await images.delete(capture.imageKey!);
			} catch (error) {
				log('warn', 'capture image not deleted', { capture_id: capture.id, error: String(error) });
				continue; // kept in the list: the next run tries again
			}
			await db.run((x) => updateCapture(x, capture.id, { imageKey: null, updatedAt: now }));
			deleted++;
		}
	}
	return deleted;
}

/**
 * Deletes the evidence photos of each lot uploaded on days wholly past its retention.
 * @returns how many photos were deleted
 */
export async function pruneEvidence(db: Database, images: ImageStore, now: number): Promise<number> {
	let deleted = 0;
	for (const lot of await db.run((x) => listLots(x))) {
		const prefix = `evidence/${scopeFolder(lot.id)}/`;
		// a day is kept while any moment of it is within retention
		const oldestKept = new Date(now - lot.imageRetentionDays * DAY).toISOString().slice(0, 10);
		for (const day of await images.listFolders(prefix)) {
			if (/^\d{4}-\d\d-\d\d$/.test(day) && day < oldestKept) deleted += await images.deleteUnder(`${prefix}${day}/`);
		}
	}
	return deleted;
}

/** The gates' periodic jobs, for the scheduler. */
export function gateJobs(images: ImageStore): Job[] {
	return [
		{ name: 'prune-capture-images', intervalMs: 60 * 60_000, leaseMs: 10 * 60_000, run: (db, now) => pruneCaptureImages(db, images, now) },
		{ name: 'prune-evidence', intervalMs: 60 * 60_000, leaseMs: 10 * 60_000, run: (db, now) => pruneEvidence(db, images, now) }
	];
}
