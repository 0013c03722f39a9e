import { describe, expect, test } from 'vitest';
import type { LprRequest, LprResponse } from './protocol.ts';
import { LprWorkerClient, LprWorkerError, type WorkerLike } from './worker-client.ts';

/** A stand-in worker: records what was posted and lets the test answer (or fail) by hand. */
function fakeWorker() {
	const listeners: { message: ((e: MessageEvent<LprResponse>) => void)[]; error: ((e: ErrorEvent) => void)[] } = { message: [], error: [] };
	const posted: { message: LprRequest; transfer: Transferable[] }[] = [];
	let terminated = false;
	const worker: WorkerLike = {
		postMessage: (message, transfer) => posted.push({ message, transfer }),
		addEventListener(type: 'message' | 'error', listener: (e: never) => void) {
			// One body for both overloads: the listener is stored under the type it was given for.
			(listeners[type] as ((e: never) => void)[]).push(listener);
		},
		terminate: () => (terminated = true)
	};
	const answer = (data: LprResponse): void => listeners.message.forEach((l) => l({ data } as MessageEvent<LprResponse>));
	const crash = (message: string): void => listeners.error.forEach((l) => l({ message } as ErrorEvent));
	return { worker, posted, answer, crash, terminated: () => terminated };
}

const source = { model: new ArrayBuffer(8), contract: '/models/x.json' };
const frame = { data: new Uint8ClampedArray(4), width: 1, height: 1 } as ImageData;

describe('LprWorkerClient', () => {
	test('init transfers model buffers and resolves with ready', async () => {
		const w = fakeWorker();
		const client = new LprWorkerClient(w.worker);
		const ready = client.init({ detector: source, reader: { model: '/models/r.onnx', contract: {} } });
		expect(w.posted[0]?.message).toMatchObject({ type: 'init', id: 1 });
		expect(w.posted[0]?.transfer).toEqual([source.model]);
		w.answer({ type: 'ready', id: 1, protocol: 2, detectorVersion: 'd', readerVersion: 'r', refinerVersion: null, threads: 2, loadMs: 9 });
		expect(await ready).toMatchObject({ threads: 2 });
	});

	test('an optional refiner’s model buffer is transferred with the others', () => {
		const w = fakeWorker();
		const refiner = { model: new ArrayBuffer(4), contract: {} };
		void new LprWorkerClient(w.worker).init({ detector: source, reader: { model: '/models/r.onnx', contract: {} }, refiner });
		expect(w.posted[0]?.transfer).toEqual([source.model, refiner.model]);
		expect(w.posted[0]?.message).toMatchObject({ refiner: { contract: {} } });
	});

	test('answers are matched by id, in any order; busy while a read is out', async () => {
		const w = fakeWorker();
		const client = new LprWorkerClient(w.worker);
		const a = client.read(frame);
		const b = client.read(frame, { country: 'in' });
		expect(client.busy).toBe(true);
		expect(w.posted.map((p) => p.message)).toMatchObject([{ type: 'read', id: 1 }, { type: 'read', id: 2, options: { country: 'in' } }]);
		expect(w.posted[0]?.transfer).toEqual([]); // ImageData is copied unless asked
		w.answer({ type: 'result', id: 2, plates: [], width: 1, height: 1, ms: 1 });
		w.answer({ type: 'error', id: 1, name: 'RangeError', message: 'bad frame' });
		expect(await b).toMatchObject({ id: 2 });
		const err = await a.catch((e: unknown) => e);
		expect(err).toBeInstanceOf(LprWorkerError);
		expect(err).toMatchObject({ workerErrorName: 'RangeError', message: 'bad frame' });
		expect(client.busy).toBe(false);
	});

	test('an ImageData buffer is transferred when asked', () => {
		const w = fakeWorker();
		void new LprWorkerClient(w.worker).read(frame, undefined, true);
		expect(w.posted[0]?.transfer).toEqual([frame.data.buffer]);
	});

	test('a crashed worker fails everything waiting', async () => {
		const w = fakeWorker();
		const client = new LprWorkerClient(w.worker);
		const a = client.read(frame);
		w.crash('out of memory');
		await expect(a).rejects.toThrow(/the plate worker failed: out of memory/);
	});

	test('close disposes, terminates, and fails what is still waiting', async () => {
		const w = fakeWorker();
		const client = new LprWorkerClient(w.worker);
		const pending = client.read(frame);
		const closed = client.close();
		w.answer({ type: 'disposed', id: 2 });
		await closed;
		expect(w.terminated()).toBe(true);
		await expect(pending).rejects.toThrow(/closed/);
	});
});
