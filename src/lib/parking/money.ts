/**
 * Money is carried as an integer count of the currency's minor unit (paise for INR, cents for
 * USD, yen for JPY). These helpers are the only place where minor units meet decimal amounts,
 * and they never go through floating-point division, so a rupee amount is exact to the paisa.
 */
import { err, ok, type Result } from './result.ts';

/** Why a decimal amount could not become minor units. */
export type MoneyError =
	| { readonly kind: 'not-a-number'; readonly input: string }
	| { readonly kind: 'fractional-minor-unit'; readonly input: string; readonly fractionDigits: number }
	| { readonly kind: 'out-of-range'; readonly input: string };

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * How many decimals the currency's minor unit has (INR 2, JPY 0, KWD 3), from the runtime's
 * CLDR data.
 * @throws RangeError when `currency` is not a three-letter upper-case code
 */
export function currencyFractionDigits(currency: string): number {
	if (!CURRENCY_CODE.test(currency)) throw new RangeError(`not an ISO 4217 currency code: ${currency}`);
	return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Formats an amount in minor units for people, in the locale's grouping: `en-IN` groups lakhs
 * and crores.
 * @throws RangeError when `minor` is not a safe integer or `currency` is not a currency code
 * @example formatMoney(12345600) // '₹1,23,456.00'
 * @example formatMoney(1999, 'USD', 'en-US') // '$19.99'
 */
export function formatMoney(minor: number, currency = 'INR', locale = 'en-IN'): string {
	const decimal = fromMinorUnits(minor, currency);
	// Formatting the decimal string, not a number, keeps every digit exact (Intl.NumberFormat v3).
	return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(decimal as Intl.StringNumericLiteral);
}

/**
 * The exact decimal form of an amount in minor units, without grouping or symbol: the inverse of
 * {@link toMinorUnits}.
 * @throws RangeError when `minor` is not a safe integer or `currency` is not a currency code
 * @example fromMinorUnits(5005) // '50.05'
 */
export function fromMinorUnits(minor: number, currency = 'INR'): string {
	if (!Number.isSafeInteger(minor)) throw new RangeError(`amount must be a whole number of minor units, got ${minor}`);
	const digits = currencyFractionDigits(currency);
	const sign = minor < 0 ? '-' : '';
	const magnitude = String(Math.abs(minor)).padStart(digits + 1, '0');
	if (digits === 0) return sign + magnitude;
	return `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

/**
 * Converts a decimal amount in major units (rupees) to minor units (paise), refusing amounts that
 * would need a fraction of the minor unit. Strings are read exactly; a number is read through its
 * shortest decimal form, so `19.99` is 1999 paise, not 1998.
 * @example toMinorUnits('1234.5') // { ok: true, value: 123450 }
 * @example toMinorUnits('0.125')  // { ok: false, error: { kind: 'fractional-minor-unit', … } }
 * @throws RangeError when `currency` is not a currency code
 */
export function toMinorUnits(major: string | number, currency = 'INR'): Result<number, MoneyError> {
	const fractionDigits = currencyFractionDigits(currency);
	const input = typeof major === 'number' ? String(major) : major.trim();
	// String(number) switches to exponent form below 1e-6 (always fractional paise) and from
	// 1e21 (far beyond any amount); both are refused rather than expanded.
	const match = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(input);
	if (match === null) {
		if (/^[+-]?\d+(\.\d+)?e-\d+$/i.test(input)) return err({ kind: 'fractional-minor-unit', input, fractionDigits });
		if (/^[+-]?\d+(\.\d+)?e\+?\d+$/i.test(input)) return err({ kind: 'out-of-range', input });
		return err({ kind: 'not-a-number', input });
	}
	const [, sign = '', whole = '', fraction = ''] = match;
	if (/[1-9]/.test(fraction.slice(fractionDigits))) return err({ kind: 'fractional-minor-unit', input, fractionDigits });
	const digits = (whole + fraction.slice(0, fractionDigits).padEnd(fractionDigits, '0')).replace(/^0+(?=\d)/, '');
	const minor = Number(digits);
	if (!Number.isSafeInteger(minor)) return err({ kind: 'out-of-range', input });
	return ok(sign === '-' && minor !== 0 ? -minor : minor);
}
