import { z } from 'zod';

/**
 * The one form an e-mail address is stored and compared in: Unicode NFKC, trimmed, lower case.
 * `Ａdmin@Example.com` and `admin@example.com` are the same account.
 */
export function normaliseEmail(raw: string): string {
	return raw.normalize('NFKC').trim().toLowerCase();
}

export const emailSchema = z
	.string()
	.max(320, 'An e-mail address has at most 320 characters.')
	.transform(normaliseEmail)
	.pipe(z.email('Enter a valid e-mail address.'));
