import { beforeAll, describe, expect, test } from 'vitest';
import type { Cv } from './cv.ts';
import { loadOpenCv } from './node.ts';
import type { LprRequest, LprResponse } from './protocol.ts';
import { detectorJson, fakeRuntime, readerJson, refinerJson, testPattern, type FakeRefiner } from './test-support.ts';
import { createWorkerHost } from './worker-host.ts';

let cv: Cv;
beforeAll(async () => ({ cv } = await loadOpenCv()));

/** A host over Node's OpenCV and hand-made sessions; `posted` collects its answers. */
function host(options: { fetchable?: Record<string, unknown>; refiner?: FakeRefiner } = {}) {
	const posted: LprResponse[] = [];
	const rt = fakeRuntime([{ gx: 50, gy: 40, score: 0.8, text: 'KA01AB1234' }], undefined, options.refiner);
	let clock = 0;
	const handle = createWorkerHost({
		loadRuntime: async () => ({ cv, createSession: rt.createSession, threads: 1 }),
		async fetchBytes(url) {
			const body = options.fetchable?.[url];
			if (body === undefined) throw new Error(`GET ${url}: 404 Not Found`);
			return body instanceof Uint8Array ? body.slice().buffer : new TextEncoder().encode(JSON.stringify(body)).buffer;
		},
		toImage: (frame) => frame as ImageData,
		post: (m) => posted.push(m),
		now: () => (clock += 5)
	});
	return { handle, posted, calls: rt.calls };
}

const init = (id: number): LprRequest => ({
	type: 'init',
	id,
	detector: { model: new ArrayBuffer(0), contract: detectorJson() },
	reader: { model: new ArrayBuffer(0), contract: readerJson() }
});
const frame = testPattern(1280, 720) as unknown as ImageData;

describe('createWorkerHost', () => {
	test('init → ready, read → result, dispose → disposed, each answering its id', async () => {
		const { handle, posted } = host();
		await Promise.all([handle(init(1)), handle({ type: 'read', id: 2, frame, options: { country: 'in' } }), handle({ type: 'dispose', id: 3 })]);
		expect(posted.map((m) => [m.type, m.id])).toEqual([
			['ready', 1],
			['result', 2],
			['disposed', 3]
		]);
		expect(posted[0]).toMatchObject({ protocol: 2, detectorVersion: 'test', readerVersion: 'test', refinerVersion: null, threads: 1, loadMs: 5 });
		expect(posted[1]).toMatchObject({ width: 1280, height: 720, ms: 5, plates: [{ text: 'KA01AB1234', country: 'in' }] });
	});

	test('a read with tracked plates runs only the reader, in their corners, and keeps their box and score', async () => {
		const { handle, posted, calls } = host();
		await handle(init(1));
		await handle({ type: 'read', id: 2, frame, options: { country: 'in' } });
		const found = posted[1]?.type === 'result' ? posted[1].plates : [];
		expect(found.map((p) => p.text)).toEqual(['KA01AB1234']);
		const track = found.map(({ box, corners, detectorScore }) => ({ box, corners, detectorScore }));
		calls.length = 0;
		await handle({ type: 'read', id: 3, frame, options: { country: 'in' }, track });
		expect(calls.map((c) => c.model)).toEqual(['reader']);
		expect(posted[2]).toMatchObject({ type: 'result', id: 3, plates: [{ text: 'KA01AB1234', country: 'in', box: track[0]!.box, corners: track[0]!.corners, detectorScore: track[0]!.detectorScore }] });
		// an empty track is an ordinary read
		calls.length = 0;
		await handle({ type: 'read', id: 4, frame, track: [] });
		expect(calls.map((c) => c.model)).toEqual(['detector', 'reader']);
	});

	test('models and contracts may be given by URL', async () => {
		const { handle, posted } = host({
			fetchable: { '/m/d.onnx': new Uint8Array(0), '/m/r.onnx': new Uint8Array(0), '/m/d.json': detectorJson(), '/m/r.json': readerJson() }
		});
		await handle({ type: 'init', id: 1, detector: { model: '/m/d.onnx', contract: '/m/d.json' }, reader: { model: '/m/r.onnx', contract: '/m/r.json' } });
		expect(posted[0]?.type).toBe('ready');
	});

	test('an optional refiner given by URL is loaded, reported, and refines the plates read', async () => {
		const { handle, posted, calls } = host({
			fetchable: { '/m/f.onnx': new Uint8Array(0), '/m/f.json': refinerJson() },
			refiner: { corners: (n) => Array.from({ length: n }, () => [0.25, 0.25, 0.75, 0.25, 0.75, 0.75, 0.25, 0.75]).flat() }
		});
		await handle({ ...init(1), refiner: { model: '/m/f.onnx', contract: '/m/f.json' } } as LprRequest);
		expect(posted[0]).toMatchObject({ type: 'ready', refinerVersion: 'test' });
		await handle({ type: 'read', id: 2, frame });
		expect(calls.map((c) => c.model)).toEqual(['detector', 'refiner', 'reader']);
		const plates = posted[1]?.type === 'result' ? posted[1].plates : [];
		expect(plates[0]?.corners.map((p) => p.map(Math.round))).toEqual([[352, 304], [448, 304], [448, 336], [352, 336]]);
	});

	test.each<[string, LprRequest[], RegExp]>([
		['a read before init', [{ type: 'read', id: 7, frame }], /send init before read/],
		['a second init', [init(1), init(7)], /already initialised/],
		['an unknown request', [{ type: 'explode', id: 7 } as unknown as LprRequest], /unknown request type "explode"/],
		['a malformed frame', [init(1), { type: 'read', id: 7, frame: { data: new Uint8ClampedArray(3), width: 2, height: 2 } as unknown as ImageData }], /RGBA data/],
		['a bad contract', [{ ...init(7), reader: { model: new ArrayBuffer(0), contract: { version: 'x' } } } as LprRequest], /contract field/],
		['a model URL that fails', [{ ...init(7), reader: { model: '/nope.onnx', contract: readerJson() } } as LprRequest], /404/],
		['a refiner given but not there', [{ ...init(7), refiner: { model: '/nope.onnx', contract: refinerJson() } } as LprRequest], /404/],
		['a bad refiner contract', [{ ...init(7), refiner: { model: new ArrayBuffer(0), contract: { ...refinerJson(), passes: 9 } } } as LprRequest], /contract field passes/]
	])('%s is answered with an error of the same id, and the host goes on', async (_, requests, message) => {
		const { handle, posted } = host();
		for (const r of requests) await handle(r);
		const error = posted.find((m) => m.id === 7);
		expect(error).toMatchObject({ type: 'error', id: 7 });
		expect(error?.type === 'error' && error.message).toMatch(message);
	});
});
