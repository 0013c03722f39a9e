/**
 * Phone numbers, stored as E.164 (`+919812345678`). A national number (`098123 45678`) is read
 * with the lot's country; without one it is refused rather than guessed.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { err, ok, type Result } from '../result.ts';

export type PhoneError =
	/** no digits, letters in it, or not a number anywhere */
	| { kind: 'not_a_number' }
	/** a national number, and no country to read it with */
	| { kind: 'country_needed' }
	/** digits, but no number in the country's (or the prefix's) plan */
	| { kind: 'invalid' };

/** The phone region of a lot's plate rules (`lots.country`); none for 'eu' and 'generic'. */
export function phoneRegionOfLot(lotCountry: string): CountryCode | undefined {
	return ({ in: 'IN', br: 'BR', us: 'US' } as Record<string, CountryCode>)[lotCountry];
}

/**
 * Reads a phone number as E.164.
 * @param region the country a national number belongs to (the lot's), if any
 * @example parseE164('098123 45678', 'IN') // ok('+919812345678')
 * @example parseE164('9812345678') // err({ kind: 'country_needed' })
 */
export function parseE164(input: string, region?: CountryCode): Result<string, PhoneError> {
	const text = input.trim();
	// separators people type are fine; letters (vanity numbers, "call me") and anything else are not
	if (!/^\+?[\d\s().-]+$/.test(text) || !/\d/.test(text) || text.replace(/\D/g, '').length > 17) return err({ kind: 'not_a_number' });
	const international = text.startsWith('+') || text.startsWith('00');
	if (!international && !region) return err({ kind: 'country_needed' });
	const parsed = parsePhoneNumberFromString(text.startsWith('00') ? `+${text.slice(2)}` : text, international ? undefined : region);
	if (!parsed || !parsed.isValid()) return err({ kind: 'invalid' });
	return ok(parsed.number);
}

/** The message for a refused number. */
export function describePhoneError(error: PhoneError): string {
	switch (error.kind) {
		case 'not_a_number':
			return 'That is not a phone number.';
		case 'country_needed':
			return 'Give the number with its country code, e.g. +91 98123 45678.';
		case 'invalid':
			return 'That number does not exist in its country’s numbering plan.';
	}
}

/** A number shortened for logs and lists: `+91•••••5678`. */
export function maskPhone(e164: string): string {
	return e164.length <= 7 ? '•••' : `${e164.slice(0, 3)}${'•'.repeat(Math.max(0, e164.length - 7))}${e164.slice(-4)}`;
}
