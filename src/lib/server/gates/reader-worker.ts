/**
 * A plate-reading worker thread: loads the `src/lib/lpr` pipeline once, then decodes and reads
 * one image per message, so neither decoding nor inference ever runs on the server's event loop.
 * Started by `reader-pool.ts`; plain Node TypeScript (no bundler), as the lpr modules are.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ImageError } from '../../lpr/image-header.ts';
import { decodeImage } from '../../lpr/decode-node.ts';
import { createNodePlateReader } from '../../lpr/node.ts';
import type { CountryOption } from '../../lpr/plate-format.ts';

interface Job {
	id: number;
	image: Uint8Array;
	country: CountryOption;
	maxPixels: number;
}

const options = workerData as { modelsDir?: string; threads?: number };
const port = parentPort!;
const ready = createNodePlateReader({ modelsDir: options.modelsDir, threads: options.threads ?? 1 });
ready.then(
	() => port.postMessage({ type: 'ready' }),
	(error: unknown) => port.postMessage({ type: 'fatal', message: String((error as Error)?.message ?? error) })
);

port.on('message', async (job: Job) => {
	try {
		const image = decodeImage(job.image, job.maxPixels);
		const reader = await ready;
		const best = (await reader.readFrame(image, { country: job.country, maxPlates: 3 }))[0];
		port.postMessage({ type: 'result', id: job.id, plate: best?.text || null, confidence: best ? best.confidence : 0, valid: best?.valid ?? false });
	} catch (error) {
		const kind = error instanceof ImageError ? error.kind : 'failed';
		port.postMessage({ type: 'error', id: job.id, kind, message: String((error as Error)?.message ?? error) });
	}
});
