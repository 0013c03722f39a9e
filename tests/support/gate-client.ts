/**
 * Test and bench support: a gate posting one capture the way the firmware does — the same
 * `Idempotency-Key` and capture time on every attempt, again after a network error, a 5xx, a 429
 * or a 409 `capture_in_progress`, waiting what `Retry-After` says (else a growing backoff with
 * jitter), until it has an answer or its deadline passes. Every attempt is recorded, so a test can
 * say what the server answered along the way.
 */
export interface CaptureAttempt {
	/** 0: no HTTP answer (refused, reset, timed out) */
	status: number;
	retryAfter: string | null;
	code: string | null;
	replayed: boolean;
	/** when it was sent (epoch ms) and how long it took */
	at: number;
	ms: number;
}

export interface CaptureOutcome {
	key: string;
	/** the gate's answer (`decision`, `session_id`, …), or null when it never got one */
	answer: Record<string, unknown> | null;
	/** the answer's body as received (a replay must be byte-for-byte the first) */
	body: string | null;
	attempts: CaptureAttempt[];
}

export interface GateIdentity {
	id: string;
	key: string;
}

const RETRYABLE = (status: number, code: string | null) => status === 0 || status >= 500 || status === 429 || (status === 409 && code === 'capture_in_progress');

/**
 * Posts `photo` as `gate`'s capture `key` until answered.
 * @param options.deadlineMs give up after this long (an answer null)
 * @param options.timeoutMs one attempt's limit (a gate's HTTP client has one too)
 */
export async function postCapture(
	baseUrl: string | (() => string),
	gate: GateIdentity,
	key: string,
	photo: Uint8Array<ArrayBuffer>,
	options: { capturedAt?: number; deadlineMs?: number; timeoutMs?: number; maxWaitMs?: number } = {}
): Promise<CaptureOutcome> {
	const capturedAt = options.capturedAt ?? Date.now();
	const deadline = Date.now() + (options.deadlineMs ?? 60_000);
	const attempts: CaptureAttempt[] = [];
	for (let n = 0; ; n++) {
		const url = typeof baseUrl === 'string' ? baseUrl : baseUrl();
		const t = performance.now();
		const at = Date.now();
		let status = 0;
		let retryAfter: string | null = null;
		let code: string | null = null;
		let body: string | null = null;
		let replayed = false;
		try {
			const res = await fetch(`${url}/api/v1/gates/${gate.id}/captures`, {
				method: 'POST',
				headers: { authorization: `Bearer ${gate.key}`, 'content-type': 'image/jpeg', 'idempotency-key': key, 'x-capture-time': String(capturedAt) },
				body: photo,
				signal: AbortSignal.timeout(options.timeoutMs ?? 30_000)
			});
			status = res.status;
			retryAfter = res.headers.get('retry-after');
			replayed = res.headers.get('idempotent-replayed') === 'true';
			body = await res.text();
			if (status !== 200) code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? null;
		} catch {
			status = status || 0;
		}
		attempts.push({ status, retryAfter, code, replayed, at, ms: performance.now() - t });
		if (status === 200 && body !== null) return { key, answer: JSON.parse(body) as Record<string, unknown>, body, attempts };
		if (!RETRYABLE(status, code) || Date.now() >= deadline) return { key, answer: null, body, attempts };
		const backoff = Math.min(options.maxWaitMs ?? 2_000, 250 * 2 ** Math.min(n, 4));
		const wait = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : backoff;
		// jitter: gates that failed together don't all come back in the same millisecond
		await new Promise((r) => setTimeout(r, wait * (0.75 + Math.random() * 0.5)));
	}
}
