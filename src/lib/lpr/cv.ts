/**
 * The part of OpenCV.js the pipeline uses, as a structural type: the pure modules take an
 * instance of it instead of importing `@techstark/opencv-js` (10.9 MB), so they run unchanged in
 * Node, in a Web Worker and under tests. {@link resolveOpenCv} turns the package's module object
 * into such an instance.
 */

/** An OpenCV matrix. Every Mat made must be `delete()`d: it lives in WASM memory, not the JS heap. */
export interface CvMat {
	readonly rows: number;
	readonly cols: number;
	readonly data: Uint8Array;
	type(): number;
	channels(): number;
	isContinuous(): boolean;
	delete(): void;
}

export interface CvSize {
	readonly width: number;
	readonly height: number;
}

/** The OpenCV.js functions and constants the pipeline calls. */
export interface Cv {
	Mat: new () => CvMat;
	Size: new (width: number, height: number) => CvSize;
	Scalar: new (...values: number[]) => unknown;
	matFromImageData(image: { data: ArrayLike<number>; width: number; height: number }): CvMat;
	matFromArray(rows: number, cols: number, type: number, values: readonly number[]): CvMat;
	resize(src: CvMat, dst: CvMat, size: CvSize, fx: number, fy: number, interpolation: number): void;
	cvtColor(src: CvMat, dst: CvMat, code: number): void;
	getPerspectiveTransform(src: CvMat, dst: CvMat): CvMat;
	warpPerspective(
		src: CvMat,
		dst: CvMat,
		m: CvMat,
		size: CvSize,
		flags: number,
		borderMode: number,
		borderValue: unknown
	): void;
	/** Turns a thrown number (a C++ exception pointer) into its message, where the build has it. */
	exceptionFromPtr?(ptr: number): { msg?: string } | undefined;
	readonly INTER_LINEAR: number;
	readonly INTER_AREA: number;
	readonly BORDER_REPLICATE: number;
	readonly COLOR_RGBA2GRAY: number;
	readonly CV_8UC4: number;
	readonly CV_32FC2: number;
}

/**
 * Resolves the OpenCV.js module object once it is ready.
 *
 * `@techstark/opencv-js` exports a thenable that resolves to itself: awaiting it (or returning it
 * from an async function) recurses forever and hangs. So the `then` is used once by hand and then
 * removed, and the module is handed on inside a plain object wrapper until it is unwrapped here.
 * @param module what `import cv from '@techstark/opencv-js'` (or `require`) gave
 * @returns `{ cv }`: wrapped, so that callers can `await` this without touching the thenable
 */
export function resolveOpenCv(module: unknown): Promise<{ cv: Cv }> {
	return new Promise((resolve, reject) => {
		const m = module as { then?: (cb: (x: unknown) => void) => void; Mat?: unknown };
		const finish = (x: unknown): void => {
			const ready = x as { then?: unknown; Mat?: unknown };
			if (typeof ready.Mat !== 'function') {
				reject(new Error('the OpenCV.js module has no Mat: not OpenCV.js, or a broken build'));
				return;
			}
			delete ready.then;
			resolve({ cv: ready as unknown as Cv });
		};
		if (typeof m.then === 'function') m.then(finish);
		else finish(m);
	});
}

/**
 * Runs `fn` with a tracker of Mats and deletes every tracked Mat afterwards, even when `fn`
 * throws: one place that frees what a pipeline step made.
 */
export function withMats<T>(fn: (keep: <M extends CvMat>(mat: M) => M) => T): T {
	const mats: CvMat[] = [];
	try {
		return fn((mat) => {
			mats.push(mat);
			return mat;
		});
	} finally {
		for (const mat of mats) mat.delete();
	}
}
