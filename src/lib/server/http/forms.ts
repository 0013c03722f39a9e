/**
 * The page side of the HTTP layer: a form action reads a validated form and answers a caller's
 * mistake with `fail(status, { message, fields, values })`, which the page shows by the inputs.
 */
import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import { parseWith } from './api.ts';
import { AppError } from './errors.ts';

export interface FormFailure {
	message: string;
	fields?: Record<string, string>;
	/** what the person typed, secrets left out, to refill the form */
	values: Record<string, string>;
}

/**
 * Reads the form fields `keys` (strings only), validates them with `schema` and runs `fn`.
 * An `AppError` from either step becomes a `fail()`; a `redirect()` or other error propagates.
 * Fields whose name contains "password" are never echoed back.
 */
export async function formAction<S extends z.ZodType, T>(
	request: Request,
	schema: S,
	keys: readonly string[],
	fn: (input: z.output<S>) => Promise<T>
): Promise<T | ActionFailure<FormFailure>> {
	const values: Record<string, string> = {};
	const raw: Record<string, string> = {};
	try {
		let data: FormData;
		try {
			data = await request.formData();
		} catch {
			throw new AppError(400, 'invalid_form', 'The form could not be read.');
		}
		for (const key of keys) {
			const v = data.get(key);
			if (typeof v !== 'string') continue;
			raw[key] = v;
			if (!/password/i.test(key)) values[key] = v;
		}
		return await fn(parseWith(schema, raw));
	} catch (error) {
		if (error instanceof AppError) return fail(error.status, { message: error.message, fields: error.fields, values });
		throw error;
	}
}
