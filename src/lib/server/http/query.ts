import { z } from 'zod';
import { parseWith } from './api.ts';

/** `?limit=&offset=`: at most 200 rows a page. */
export const pageSchema = z.object({
	limit: z.coerce.number({ error: 'a whole number from 1 to 200' }).int().min(1).max(200).default(50),
	offset: z.coerce.number({ error: 'a whole number, 0 or more' }).int().min(0).max(10_000_000).default(0)
});

/**
 * Reads query parameters into a validated object (unknown parameters are refused, so a typo in a
 * filter isn't silently ignored).
 * @throws {AppError} 422
 */
export function readQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
	return parseWith(schema, Object.fromEntries(url.searchParams));
}

/** The list envelope every paginated endpoint answers with. */
export function page<T>(items: T[], total: number, limit: number, offset: number) {
	return { items, total, limit, offset };
}
