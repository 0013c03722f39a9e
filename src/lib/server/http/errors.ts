/**
 * The one error type services throw for a caller's mistake. JSON APIs turn it into
 * `{"error":{"code","message","fields"?}}` with its status; pages show its message.
 */
export class AppError extends Error {
	override name = 'AppError';
	readonly status: number;
	readonly code: string;
	readonly fields: Record<string, string> | undefined;
	readonly headers: Record<string, string> | undefined;

	/**
	 * @param status the HTTP status (4xx for the caller's mistakes, 503 for a dependency away)
	 * @param code a stable machine-readable code, e.g. `email_taken`
	 * @param fields per-field messages for validation errors
	 */
	constructor(status: number, code: string, message: string, fields?: Record<string, string>, headers?: Record<string, string>) {
		super(message);
		this.status = status;
		this.code = code;
		this.fields = fields;
		this.headers = headers;
	}
}

export const badRequest = (code: string, message: string, fields?: Record<string, string>) =>
	new AppError(400, code, message, fields);
export const unauthorized = (message = 'Sign in first.') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'That') => new AppError(404, 'not_found', `${what} was not found.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
	new AppError(429, 'too_many_requests', message, undefined, { 'retry-after': String(retryAfterSeconds) });
