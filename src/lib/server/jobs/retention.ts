/**
 * Retention: what SPMS keeps, and for how long (the technical side of the privacy policy,
 * docs/privacy.md). Two periodic jobs, each run once per round across all app instances by the
 * scheduler's database lease (`leases.repo.ts`):
 *
 * - **images** (hourly): gate capture photos and patrol evidence photos older than their lot's
 *   `imageRetentionDays` are deleted from the image store (S3 or local disk), except those still
 *   needed as evidence: a held car nobody has let through yet, a session still open or with fee
 *   unpaid, an open or acknowledged anomaly naming the capture, its session or the photo. Those
 *   are deleted at the first run after they are settled. Capture rows stay without their image
 *   (the decision and plate are the record).
 * - **personal data** (daily): phone numbers that outlived their use by `PERSONAL_DATA_RETENTION_DAYS`
 *   are erased in place — drivers' accounts with no sign-in, stay, unpaid fee or running permit
 *   in the period; vehicles' contact numbers not used in it; ended permits' holder name and
 *   number; SMS numbers and texts. Sessions, payments, anomalies and SMS counts are untouched,
 *   so revenue and every report stay as they were.
 *
 * Every run that removed something is written to the audit log with its counts.
 */
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { log } from '../log.ts';
import { listLots } from '../parking/lots.repo.ts';
import { scopeFolder, type ImageStore } from '../storage/storage.ts';
import type { Job } from './scheduler.ts';
import {
	clearCaptureImage,
	eraseDriverPhones,
	eraseOldMessages,
	erasePermitHolders,
	eraseVehiclePhones,
	expiredCaptureImages,
	protectedEvidenceKeys,
	type ErasedCounts
} from './retention.repo.ts';

const DAY = 24 * 60 * 60_000;
const MINUTE = 60_000;

export interface RetentionPolicy {
	/** days personal data outlives its last use */
	personalDataDays: number;
	/** capture images looked at per lot per query; a run goes on while batches come back full */
	batch?: number;
	/** most capture images one run deletes per lot (the next run goes on) */
	maxPerRun?: number;
}

export function retentionPolicy(cfg: Pick<Config, 'retention'>): RetentionPolicy {
	return { personalDataDays: cfg.retention.personalDataDays };
}

export interface PrunedImages {
	captures: number;
	evidence: number;
	/** evidence photos past retention kept because they are still needed */
	evidenceKept: number;
	/** images whose deletion failed (tried again next run) */
	failed: number;
}

/**
 * Deletes the images past their lot's retention that nothing still needs (see the module comment).
 * @param now the current instant (epoch ms); tests pass plain values
 */
export async function pruneImages(db: Database, images: ImageStore, now: number, policy: Pick<RetentionPolicy, 'batch' | 'maxPerRun'> = {}): Promise<PrunedImages> {
	const batch = policy.batch ?? 500;
	const maxPerRun = policy.maxPerRun ?? 20_000;
	const out: PrunedImages = { captures: 0, evidence: 0, evidenceKept: 0, failed: 0 };
	for (const lot of await db.run((x) => listLots(x))) {
		const before = now - lot.imageRetentionDays * DAY;
		// captures: a failed deletion stays in the query's answer, so page past it by count
		const failed = new Set<string>();
		for (let seen = 0; seen < maxPerRun; ) {
			const rows = (await db.run((x) => expiredCaptureImages(x, lot.id, before, batch + failed.size))).filter((r) => !failed.has(r.id));
			if (!rows.length) break;
			for (const capture of rows) {
				seen++;
				try {
					await images.delete(capture.imageKey);
				} catch (error) {
					failed.add(capture.id);
					log('warn', 'capture image not deleted', { capture_id: capture.id, error: String(error) });
					continue;
				}
				await db.run((x) => clearCaptureImage(x, capture.id, now));
				out.captures++;
			}
			if (rows.length < batch) break;
		}
		out.failed += failed.size;

		// evidence: keys by lot and day; a day is looked at once all of it is past retention
		const prefix = `evidence/${scopeFolder(lot.id)}/`;
		const oldestKept = new Date(before).toISOString().slice(0, 10);
		const days = (await images.listFolders(prefix)).filter((day) => /^\d{4}-\d\d-\d\d$/.test(day) && day < oldestKept);
		if (!days.length) continue;
		const keep = await db.run((x) => protectedEvidenceKeys(x, lot.id));
		for (const day of days) {
			for (const key of await images.listKeys(`${prefix}${day}/`)) {
				if (keep.has(key)) {
					out.evidenceKept++;
					continue;
				}
				try {
					await images.delete(key);
					out.evidence++;
				} catch (error) {
					out.failed++;
					log('warn', 'evidence image not deleted', { key, error: String(error) });
				}
			}
		}
	}
	if (out.captures || out.evidence) {
		await db.run((x) => recordAudit(x, { at: now, action: 'retention.images', entity: 'retention', details: { ...out } }));
	}
	return out;
}

/**
 * Erases personal data unused for `policy.personalDataDays` (see the module comment).
 * @param now the current instant (epoch ms); tests pass plain values
 */
export async function erasePersonalData(db: Database, now: number, policy: Pick<RetentionPolicy, 'personalDataDays'>): Promise<ErasedCounts> {
	const cutoff = now - policy.personalDataDays * DAY;
	const counts = await db.transaction(async (x) => ({
		driverPhones: await eraseDriverPhones(x, cutoff),
		vehiclePhones: await eraseVehiclePhones(x, cutoff, now),
		permits: await erasePermitHolders(x, cutoff),
		messages: await eraseOldMessages(x, cutoff, now)
	}));
	if (Object.values(counts).some((n) => n > 0)) {
		await db.run((x) => recordAudit(x, { at: now, action: 'retention.personal_data', entity: 'retention', details: { ...counts, cutoff, days: policy.personalDataDays } }));
	}
	return counts;
}

/** The retention jobs, for the scheduler. */
export function retentionJobs(images: ImageStore, policy: RetentionPolicy): Job[] {
	return [
		{ name: 'retention-images', intervalMs: 60 * MINUTE, leaseMs: 30 * MINUTE, run: (db, now) => pruneImages(db, images, now, policy) },
		{ name: 'retention-personal-data', intervalMs: DAY, leaseMs: 30 * MINUTE, run: (db, now) => erasePersonalData(db, now, policy) }
	];
}
