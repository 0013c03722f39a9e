/**
 * Structured logs: one JSON object per line on stdout (warn and error on stderr). Lines written
 * while a request is handled carry its `req_id` (see {@link withLogContext}).
 *
 * Every line is redacted before it is written, whatever a caller passes: fields named like
 * secrets (password, token, secret, authorization, cookie, signature, device_key, …) are
 * replaced, and inside any string bearer tokens, device keys, session tokens and their SHA-256
 * (the stored session id) are replaced and phone numbers masked to their last four digits.
 * Callers still shouldn't pass secrets: redaction is the safety net, not the plan.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

type Level = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Whether a line of `level` is written under the LOG_LEVEL `setting`: debug, info (the default),
 * warn or error; another value counts as info.
 */
export function logs(level: Level, setting: string | undefined): boolean {
	const wanted = setting ?? 'info';
	return RANK[level] >= (Object.hasOwn(RANK, wanted) ? RANK[wanted as Level] : RANK.info);
}

const context = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `fn` with `fields` added to every line logged inside it, across its awaits (the request
 * hook passes the request id).
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
	return context.run({ ...context.getStore(), ...fields }, fn);
}

/** Where lines go; tests capture them. */
export type LogSink = (line: string, level: Level) => void;
const consoleSink: LogSink = (line, level) => (level === 'error' || level === 'warn' ? console.error(line) : console.log(line));
let sink: LogSink = consoleSink;

/** Sends lines to `next` instead of the console (null: back to the console). */
export function setLogSink(next: LogSink | null): void {
	sink = next ?? consoleSink;
}

/** Writes a line at or above LOG_LEVEL; below it (the per-request line under warn) does nothing. */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
	if (!logs(level, process.env.LOG_LEVEL)) return;
	const record = redact({ t: new Date().toISOString(), level, msg, ...context.getStore(), ...fields }) as Record<string, unknown>;
	sink(JSON.stringify(record), level);
}

const REDACTED = '[redacted]';

/** Field names whose values are secrets, as snake_case: the whole name or its last words. */
const SECRET_FIELD = /(^|_)(password|passwd|pwd|secret|token|tokens|authorization|cookie|cookies|set_cookie|api_key|device_key|signature|credential|credentials)$/;
/** Field names holding phone numbers: masked whatever their form. */
const PHONE_FIELD = /(^|_)(phone|phone_number|msisdn|mobile)$/;

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase();

/** Patterns in free text, most specific first. */
const SCRUB: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
	// Authorization headers or anything quoting one
	[/\b(Bearer|Basic)\s+[^\s"',;]+/gi, (_m, scheme) => `${scheme} ${REDACTED}`],
	// device keys (spms_dk_ + 32 base32)
	[/spms_dk_[a-z2-7]+/g, () => `spms_dk_${REDACTED}`],
	// `password=…`, `"token":"…"` inside messages, query strings, echoed bodies
	[/(["']?\b(?:password|passwd|secret|token|signature|auth_token|api_key)\b["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;"'}]+)/gi, (_m, lead) => `${lead}${REDACTED}`],
	// session, setup and other tokens: 160 random bits in base32 (32 characters; ids are 24)
	[/(?<![a-z2-7])[a-z2-7]{32}(?![a-z2-7])/g, () => REDACTED],
	// a token's SHA-256 is the stored session id (and a device key's lookup key)
	[/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/gi, () => REDACTED],
	// phone numbers: E.164 (its + also URL-encoded, as in a path), India's mobiles written with
	// 91 and no +, or as 10 digits
	[/(\+|%2B)(\d{7,15})(?!\d)/gi, (_m, plus, digits) => `${plus}${maskDigits(digits)}`],
	[/(?<![\w.+])(?:91)?[6-9]\d{9}(?![\w.])/g, (m) => maskDigits(m)]
];

/** Keeps the last four digits (two of a short number): `+••••••••3210`. */
export function maskDigits(value: string): string {
	const digits = value.replace(/\D/g, '');
	const keep = digits.length >= 8 ? 4 : 2;
	return `${value.startsWith('+') ? '+' : ''}${'•'.repeat(Math.max(0, digits.length - keep))}${digits.slice(-keep)}`;
}

/** A string with the secrets and phone numbers in it replaced. */
export function scrub(text: string): string {
	let out = text;
	for (const [pattern, replace] of SCRUB) out = out.replace(pattern, replace as (m: string, ...g: string[]) => string);
	return out;
}

/**
 * A copy of `value` safe to log (see the module comment). Errors become their name, message and
 * stack; nesting deeper than 6 is cut.
 */
export function redact(value: unknown, key = '', depth = 0): unknown {
	const name = snake(key);
	if (key && SECRET_FIELD.test(name) && value !== null && value !== undefined && value !== '') return REDACTED;
	if (typeof value === 'string') return PHONE_FIELD.test(name) ? maskDigits(value) : scrub(value);
	if (typeof value !== 'object' || value === null) return value;
	if (depth >= 6) return '[nested]';
	if (value instanceof Error) return { name: value.name, message: scrub(value.message), stack: value.stack ? scrub(value.stack) : undefined };
	if (Array.isArray(value)) return value.map((v) => redact(v, key, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) out[k] = redact(v, k, depth + 1);
	return out;
}
