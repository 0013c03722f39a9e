import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { maskPhone, parseE164, phoneRegionOfLot } from './phone.ts';

describe('parseE164', () => {
	test.each<[string, string | undefined, string]>([
		['+91 98123 45678', undefined, '+919812345678'],
		['+919812345678', 'US', '+919812345678'], // an international number ignores the lot's country
		['0091 98123-45678', undefined, '+919812345678'],
		['098123 45678', 'IN', '+919812345678'], // national, resolved with the lot's country
		['98123 45678', 'IN', '+919812345678'],
		['(415) 555-2671', 'US', '+14155552671'],
		['11 91234-5678', 'BR', '+5511912345678']
	])('%s (lot country %s) → %s', (input, region, e164) => {
		expect(parseE164(input, region as never)).toEqual({ ok: true, value: e164 });
	});

	test.each<[string, string | undefined, string]>([
		['not a number (bad input)', undefined, 'not_a_number'],
		['', undefined, 'not_a_number'],
		['+91 98123 4567x', undefined, 'not_a_number'],
		['1-800-FLOWERS', 'US', 'not_a_number'],
		['+', undefined, 'not_a_number'],
		['12345678901234567890', 'IN', 'not_a_number'],
		// a national number without a country is refused, not guessed (bad input)
		['98123 45678', undefined, 'country_needed'],
		['+91 12345', undefined, 'invalid'],
		['12345', 'IN', 'invalid'],
		['+999 1234 5678', undefined, 'invalid']
	])('%j (lot country %s) is refused: %s', (input, region, kind) => {
		expect(parseE164(input, region as never)).toEqual({ ok: false, error: { kind } });
	});

	test('an accepted number is E.164 and reads back as itself', () => {
		fc.assert(
			fc.property(fc.constantFrom('6', '7', '8', '9'), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 9, maxLength: 9 }), (first, rest) => {
				const result = parseE164(`${first}${rest}`, 'IN');
				if (!result.ok) return;
				expect(result.value).toMatch(/^\+[1-9]\d{6,14}$/);
				expect(parseE164(result.value)).toEqual(result);
			})
		);
	});

	test('lots without a phone country', () => {
		expect(phoneRegionOfLot('in')).toBe('IN');
		expect(phoneRegionOfLot('eu')).toBeUndefined();
		expect(phoneRegionOfLot('generic')).toBeUndefined();
	});

	test('masking keeps the prefix and last four digits', () => {
		expect(maskPhone('+919812345678')).toBe('+91••••••5678');
	});
});
