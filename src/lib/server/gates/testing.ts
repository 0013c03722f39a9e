/**
 * Test support for the gate suites (test-only; nothing else imports it): JPEG fixtures made on
 * the fly, a gate bound to a fresh device key, and a reader that says what the test wants.
 */
import jpeg from 'jpeg-js';
import { newId } from '../../id.ts';
import type { CountryOption } from '../../lpr/plate-format.ts';
import { insertDeviceKey } from '../auth/device-keys.repo.ts';
import type { Database } from '../db/database.ts';
import { insertGate, type GateRow } from '../parking/lots.repo.ts';
import type { CaptureReader, PlateReading } from './reader.ts';

/** A real baseline JPEG: a gradient with a bright, barred rectangle where a plate would be. */
export function testJpeg(width = 320, height = 240, seed = 0): Uint8Array {
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			const plate = x > width * 0.35 && x < width * 0.65 && y > height * 0.6 && y < height * 0.72;
			const bar = plate && Math.floor((x + seed) / 5) % 3 === 0;
			data[i] = plate ? (bar ? 20 : 240) : (x * 255) / width;
			data[i + 1] = plate ? (bar ? 20 : 240) : (y * 255) / height;
			data[i + 2] = plate ? (bar ? 30 : 230) : (seed * 37) & 255;
			data[i + 3] = 255;
		}
	}
	return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

/** A small JPEG whose frame header declares `width × height` (a decompression bomb's header). */
export function jpegDeclaring(width: number, height: number): Uint8Array {
	const bytes = testJpeg(64, 48);
	for (let i = 2; i < bytes.length - 9; ) {
		if (bytes[i] !== 0xff) break;
		const marker = bytes[i + 1]!;
		const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
		if (marker === 0xc0 || marker === 0xc2) {
			bytes[i + 5] = height >> 8;
			bytes[i + 6] = height & 0xff;
			bytes[i + 7] = width >> 8;
			bytes[i + 8] = width & 0xff;
			return bytes;
		}
		i += 2 + length;
	}
	throw new Error('no frame header found');
}

/** A gate of `lotId` bound to a new device key. */
export async function gateWithKey(db: Database, lotId: string, direction: GateRow['direction'], now: number): Promise<{ gate: GateRow; deviceId: string }> {
	const deviceId = newId();
	const gate: GateRow = { id: newId(), lotId, name: `${direction} ${deviceId.slice(0, 4)}`, direction, cameraUrl: null, deviceKeyId: deviceId, lastHeartbeatAt: null, createdAt: now };
	await db.run(async (x) => {
		await insertDeviceKey(x, { id: deviceId, name: gate.name, keyHash: `test-${deviceId}`, keyPrefix: deviceId.slice(0, 6), createdBy: null, createdAt: now, lastUsedAt: null, revokedAt: null });
		await insertGate(x, gate);
	});
	return { gate, deviceId };
}

/** A reader that answers what `next` says (the decision rules' tests), counting its calls. */
export class ScriptedReader implements CaptureReader {
	calls = 0;
	next: PlateReading = { plate: null, confidence: 0, valid: false };
	async read(_image: Uint8Array, _country: CountryOption): Promise<PlateReading> {
		this.calls++;
		await new Promise((r) => setTimeout(r, 5)); // a read takes time: lets racing requests interleave
		return this.next;
	}
	async close(): Promise<void> {}
}
