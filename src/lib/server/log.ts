/**
 * Structured logs: one JSON object per line on stdout. Never pass secrets, tokens, passwords or
 * full phone numbers in `fields`.
 */
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

/** Writes a line at or above LOG_LEVEL; below it (the per-request line under warn) does nothing. */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
	if (!logs(level, process.env.LOG_LEVEL)) return;
	const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
	if (level === 'error' || level === 'warn') console.error(line);
	else console.log(line);
}
