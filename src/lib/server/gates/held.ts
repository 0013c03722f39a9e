/**
 * What staff screens show about gates: the held vehicles waiting for a person (every lot or
 * one, newest first) and each gate's status with its latest capture. Shared by the admin
 * dashboard and the gate tablet; letting a held car through is `resolveHold` (holds.ts), taking
 * its payment `paySession`.
 */
import type { Database } from '../db/database.ts';
import { listGates, listLots, type GateRow } from '../parking/lots.repo.ts';
import type { ImageStore } from '../storage/storage.ts';
import { IMAGE_LINK_SECONDS } from './captures.ts';
import type { CaptureRow } from './captures.repo.ts';
import { isOnline } from './commands.ts';
import { lastCapture, unresolvedHolds } from './held.repo.ts';

/** Holds older than this are not shown as waiting (the car has long gone one way or another). */
export const HOLD_WINDOW_MS = 24 * 3_600_000;

export interface HeldCapture {
	id: string;
	gateId: string;
	gateName: string;
	lotId: string;
	capturedAt: number;
	plate: string | null;
	confidence: number | null;
	reason: string | null;
	sessionId: string | null;
	amountDuePaise: number | null;
	/** a short-lived link to the photo, null once retention removed it */
	imageUrl: string | null;
}

const photo = (images: ImageStore, key: string | null) => (key ? images.presignGet(key, IMAGE_LINK_SECONDS) : Promise.resolve(null));

async function view(images: ImageStore, c: CaptureRow, gate: Pick<GateRow, 'name'> | undefined): Promise<HeldCapture> {
	return {
		id: c.id,
		gateId: c.gateId,
		gateName: gate?.name ?? c.gateId,
		lotId: c.lotId,
		capturedAt: c.capturedAt,
		plate: c.plate,
		confidence: c.confidence,
		reason: c.reason,
		sessionId: c.sessionId,
		amountDuePaise: c.amountDuePaise,
		imageUrl: await photo(images, c.imageKey)
	};
}

/** The held captures no one resolved yet, in `lotId` or every lot, received in the last day. */
export async function heldVehicles(db: Database, images: ImageStore, now: number, lotId?: string, limit = 50): Promise<HeldCapture[]> {
	const { rows, gates } = await db.run(async (x) => {
		const lotIds = lotId ? [lotId] : (await listLots(x)).map((l) => l.id);
		const rows: CaptureRow[] = [];
		for (const id of lotIds) rows.push(...(await unresolvedHolds(x, id, now - HOLD_WINDOW_MS, limit)));
		return { rows, gates: await listGates(x, lotId) };
	});
	const byId = new Map(gates.map((g) => [g.id, g]));
	rows.sort((a, b) => b.receivedAt - a.receivedAt);
	return Promise.all(rows.slice(0, limit).map((c) => view(images, c, byId.get(c.gateId))));
}

export interface GateBoard {
	id: string;
	lotId: string;
	name: string;
	direction: GateRow['direction'];
	online: boolean;
	lastHeartbeatAt: number | null;
	hasDeviceKey: boolean;
	lastCapture: (Omit<HeldCapture, 'gateName'> & { decision: CaptureRow['decision'] }) | null;
}

/** Every gate (of a lot) with its status and latest capture. */
export async function gateBoard(db: Database, images: ImageStore, now: number, lotId?: string): Promise<GateBoard[]> {
	const rows = await db.run(async (x) => {
		const gates = await listGates(x, lotId);
		return Promise.all(gates.map(async (g) => ({ g, last: await lastCapture(x, g.id) })));
	});
	return Promise.all(
		rows.map(async ({ g, last }) => {
			const { gateName: _n, ...capture } = last ? await view(images, last, g) : { gateName: '' };
			return {
				id: g.id,
				lotId: g.lotId,
				name: g.name,
				direction: g.direction,
				online: isOnline(g, now),
				lastHeartbeatAt: g.lastHeartbeatAt,
				hasDeviceKey: g.deviceKeyId !== null,
				lastCapture: last ? { ...(capture as Omit<HeldCapture, 'gateName'>), decision: last.decision } : null
			};
		})
	);
}
