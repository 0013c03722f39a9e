/**
 * The result shape the parking rules return for inputs that come from the outside world
 * (camera reads, gate clocks, admin forms): failing there is expected, so callers must look at
 * `ok` instead of catching. Programming mistakes (a fractional amount passed to a formatter)
 * still throw, because no caller can handle them meaningfully.
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** A successful {@link Result}. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
	return { ok: true, value };
}

/** A failed {@link Result}. */
export function err<E>(error: E): { readonly ok: false; readonly error: E } {
	return { ok: false, error };
}
