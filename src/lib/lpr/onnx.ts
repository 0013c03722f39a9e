/**
 * The ONNX runtime as the pipeline sees it: a session factory taking model bytes and sessions
 * that run float32 tensors. {@link ortSessionFactory} adapts onnxruntime-node and
 * onnxruntime-web, which share this API, without importing either.
 */

/** A float32 tensor: data plus NCHW-style dimensions. */
export interface Tensor {
	readonly data: Float32Array;
	readonly dims: readonly number[];
}

/** A loaded model. */
export interface OnnxSession {
	readonly inputNames: readonly string[];
	readonly outputNames: readonly string[];
	run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
	release(): Promise<void>;
}

/** Makes a session from the bytes of an `.onnx` file. */
export type OnnxSessionFactory = (model: Uint8Array) => Promise<OnnxSession>;

/** The slice of the `onnxruntime-node` / `onnxruntime-web` namespace used here. */
export interface OrtNamespace {
	Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
	InferenceSession: {
		create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession>;
	};
}

interface OrtSession {
	readonly inputNames: readonly string[];
	readonly outputNames: readonly string[];
	run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[]; type: string }>>;
	release(): Promise<void>;
}

/**
 * ORT's intra-op threads spin while they wait for work by default. With two threads on a 2-core
 * machine they then spin against the JavaScript thread doing the pre- and post-processing between
 * the two models: in Node, two spinning threads took 77 ms per frame where two waiting threads
 * took 42 and one 46 (a training run sharing the cores; `npm run bench:lpr` for idle figures).
 */
const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' } } };

/**
 * A session factory over an onnxruntime namespace.
 * @param ort `import * as ort from 'onnxruntime-node'` (or `onnxruntime-web`)
 * @param sessionOptions passed to `InferenceSession.create`, e.g. `{ intraOpNumThreads: 1 }`
 * @example const createSession = ortSessionFactory(ort, { executionProviders: ['wasm'] });
 */
export function ortSessionFactory(ort: OrtNamespace, sessionOptions: Record<string, unknown> = {}): OnnxSessionFactory {
	return async (model) => {
		const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', extra: NO_SPINNING, ...sessionOptions });
		return {
			inputNames: session.inputNames,
			outputNames: session.outputNames,
			async run(feeds) {
				const ortFeeds: Record<string, unknown> = {};
				for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', t.data, t.dims);
				const out = await session.run(ortFeeds);
				const result: Record<string, Tensor> = {};
				for (const [name, t] of Object.entries(out)) {
					if (t.type !== 'float32' || !(t.data instanceof Float32Array)) {
						throw new TypeError(`model output ${name} is ${t.type}, expected float32`);
					}
					result[name] = { data: t.data, dims: t.dims };
				}
				return result;
			},
			release: () => session.release()
		};
	};
}
