/**
 * Watching an MJPEG stream (the server's camera relay) in the page: fetched and parsed with the
 * same parser as the server, each whole JPEG decoded to an ImageBitmap. It says when the stream
 * stalls or ends, counts parts that would not decode, and reconnects.
 */
import { boundaryOf, MjpegParser } from '../cameras/mjpeg.ts';

export type StreamState = 'connecting' | 'live' | 'stalled' | 'error' | 'stopped';

export interface StreamStatus {
	state: StreamState;
	frames: number;
	/** parts dropped: not a whole JPEG, or it would not decode */
	bad: number;
	message: string;
}

export interface MjpegWatchOptions {
	/** no frame for this long → `stalled` (default 4 s) */
	stallMs?: number;
	/** wait before reconnecting (default 2 s) */
	retryMs?: number;
	onFrame(bitmap: ImageBitmap): void;
	onStatus(status: StreamStatus): void;
}

/** Watches `url` until the returned function is called. */
export function watchMjpeg(url: string, options: MjpegWatchOptions): () => void {
	let stopped = false;
	let abort = new AbortController();
	const status: StreamStatus = { state: 'connecting', frames: 0, bad: 0, message: 'Connecting to the camera…' };
	let lastFrame = performance.now();
	const set = (state: StreamState, message: string) => {
		if (status.state === state && status.message === message) return;
		status.state = state;
		status.message = message;
		options.onStatus({ ...status });
	};
	const stallMs = options.stallMs ?? 4_000;
	const watchdog = setInterval(() => {
		if (status.state === 'live' && performance.now() - lastFrame > stallMs) set('stalled', `No picture for ${Math.round((performance.now() - lastFrame) / 1000)} s: the camera stream stalled.`);
	}, 500);

	(async () => {
		while (!stopped) {
			abort = new AbortController();
			try {
				const res = await fetch(url, { signal: abort.signal, credentials: 'same-origin', cache: 'no-store' });
				if (!res.ok) {
					const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
					set('error', body?.error?.message ?? `The camera relay answered ${res.status}.`);
					if (res.status === 403 || res.status === 404) break; // no point retrying
				} else {
					const boundary = boundaryOf(res.headers.get('content-type'));
					if (!boundary || !res.body) throw new Error('not an MJPEG stream');
					const parser = new MjpegParser(boundary);
					const reader = res.body.getReader();
					lastFrame = performance.now();
					for (;;) {
						const { done, value } = await reader.read();
						if (done) break;
						for (const event of parser.push(value)) {
							if (event.type !== 'frame') {
								status.bad++;
								options.onStatus({ ...status });
								continue;
							}
							try {
								const bitmap = await createImageBitmap(new Blob([event.jpeg as BlobPart], { type: 'image/jpeg' }));
								status.frames++;
								lastFrame = performance.now();
								set('live', 'Live');
								if (status.frames % 10 === 0) options.onStatus({ ...status });
								options.onFrame(bitmap);
							} catch {
								status.bad++;
								options.onStatus({ ...status });
							}
						}
					}
					if (!stopped) set('stalled', 'The camera stream ended; reconnecting…');
				}
			} catch (error) {
				if (stopped) break;
				set('error', `Camera stream lost (${(error as Error).message}); reconnecting…`);
			}
			if (!stopped) await new Promise((r) => setTimeout(r, options.retryMs ?? 2_000));
		}
	})();

	return () => {
		stopped = true;
		clearInterval(watchdog);
		abort.abort();
		set('stopped', 'Stopped');
	};
}
