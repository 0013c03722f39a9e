import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { currencyFractionDigits, formatMoney, fromMinorUnits, toMinorUnits } from './money.ts';

describe('formatMoney', () => {
	test.each<[number, string | undefined, string | undefined, string]>([
		[12345600, undefined, undefined, '₹1,23,456.00'],
		[0, undefined, undefined, '₹0.00'],
		[5, undefined, undefined, '₹0.05'],
		[-5, undefined, undefined, '-₹0.05'],
		[1234567890, 'INR', 'en-IN', '₹1,23,45,678.90'], // lakhs and crores
		[Number.MAX_SAFE_INTEGER, 'INR', 'en-IN', '₹9,00,71,99,25,47,409.91'], // every digit kept
		[12345600, 'INR', 'en-US', '₹123,456.00'],
		[1999, 'USD', 'en-US', '$19.99'],
		[1999, 'BRL', 'pt-BR', 'R$\u00a019,99'],
		[100, 'JPY', 'en-US', '¥100'], // no minor unit
		[1234567, 'KWD', 'en-US', 'KWD\u00a01,234.567'] // three decimals
	])('%d %s in %s → %s', (minor, currency, locale, text) => {
		expect(formatMoney(minor, currency, locale)).toBe(text);
	});

	test.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])('refuses %d', (minor) => {
		expect(() => formatMoney(minor)).toThrow(RangeError);
	});

	test('refuses a malformed currency code', () => {
		expect(() => formatMoney(100, 'rupees')).toThrow(RangeError);
	});

	test('shows exactly the digits of the amount', () => {
		fc.assert(
			fc.property(fc.maxSafeInteger(), fc.constantFrom('INR', 'USD', 'JPY', 'KWD'), (minor, currency) => {
				const digitsShown = formatMoney(minor, currency, 'en-IN').replace(/\D/g, '');
				const digitsExpected = fromMinorUnits(minor, currency).replace(/\D/g, '');
				expect(digitsShown).toBe(digitsExpected);
			})
		);
	});
});

describe('currencyFractionDigits', () => {
	test.each([
		['INR', 2],
		['USD', 2],
		['EUR', 2],
		['BRL', 2],
		['JPY', 0],
		['KWD', 3]
	])('%s has %d', (currency, digits) => {
		expect(currencyFractionDigits(currency)).toBe(digits);
	});
});

describe('conversions between rupees and paise', () => {
	test.each([
		[5005, 'INR', '50.05'],
		[5, 'INR', '0.05'],
		[-12345, 'INR', '-123.45'],
		[0, 'INR', '0.00'],
		[100, 'JPY', '100'],
		[1234, 'KWD', '1.234']
	])('fromMinorUnits(%d, %s) = %s', (minor, currency, text) => {
		expect(fromMinorUnits(minor, currency)).toBe(text);
	});

	test.each<[string | number, string, number]>([
		['1234.5', 'INR', 123450],
		['19.99', 'INR', 1999],
		[19.99, 'INR', 1999], // not 1998 from 19.99 * 100 = 1998.9999999999998
		[0.07, 'INR', 7],
		['12.340', 'INR', 1234], // trailing zeros are not fractions of a paisa
		[' 42 ', 'INR', 4200],
		['+3', 'INR', 300],
		['-1.50', 'INR', -150],
		['-0.00', 'INR', 0],
		['007', 'INR', 700],
		['100', 'JPY', 100],
		['1.234', 'KWD', 1234],
		['90071992547409.91', 'INR', Number.MAX_SAFE_INTEGER]
	])('toMinorUnits(%s, %s) = %d', (major, currency, minor) => {
		expect(toMinorUnits(major, currency)).toEqual({ ok: true, value: minor });
	});

	test.each<[string | number, string, string]>([
		['0.125', 'INR', 'fractional-minor-unit'],
		[0.1 + 0.2, 'INR', 'fractional-minor-unit'], // 0.30000000000000004: refused, not rounded
		[1e-7, 'INR', 'fractional-minor-unit'],
		['100.5', 'JPY', 'fractional-minor-unit'],
		[1e21, 'INR', 'out-of-range'],
		['90071992547409.92', 'INR', 'out-of-range'],
		[Number.NaN, 'INR', 'not-a-number'],
		[Number.POSITIVE_INFINITY, 'INR', 'not-a-number'],
		['', 'INR', 'not-a-number'],
		['₹50', 'INR', 'not-a-number'],
		['1,234.00', 'INR', 'not-a-number'], // grouping is locale-specific: refused, not guessed
		['1.', 'INR', 'not-a-number'],
		['.5', 'INR', 'not-a-number']
	])('toMinorUnits(%s, %s) fails: %s', (major, currency, kind) => {
		const result = toMinorUnits(major, currency);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error.kind).toBe(kind);
	});

	test('round-trips every safe amount', () => {
		fc.assert(
			fc.property(fc.maxSafeInteger(), fc.constantFrom('INR', 'JPY', 'KWD'), (minor, currency) => {
				expect(toMinorUnits(fromMinorUnits(minor, currency), currency)).toEqual({ ok: true, value: minor });
			})
		);
	});

	test('reads two-decimal numbers exactly', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1e12, max: 1e12 }), (paise) => {
				expect(toMinorUnits(paise / 100)).toEqual({ ok: true, value: paise });
			})
		);
	});
});
