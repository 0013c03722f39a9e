/**
 * Structured logs: one JSON object per line on stdout. Never pass secrets, tokens, passwords or
 * full phone numbers in `fields`.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
	if (level === 'debug' && process.env.LOG_LEVEL !== 'debug') return;
	const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
	if (level === 'error' || level === 'warn') console.error(line);
	else console.log(line);
}
