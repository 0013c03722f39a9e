import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isValidPlate, normalisePlate, parsePlate, PLATE_COUNTRIES, type PlateCountry } from './plates.ts';
import { normalisedText, validPlate } from './test-arbitraries.ts';

describe('normalisePlate', () => {
	test.each([
		{ raw: 'KA01AB1234', plate: 'KA01AB1234' },
		{ raw: ' ka-01 ab 1234 ', plate: 'KA01AB1234' },
		{ raw: 'KA.01.AB.1234', plate: 'KA01AB1234' },
		{ raw: 'KA 01\nAB 1234', plate: 'KA01AB1234' }, // two-line plate
		{ raw: 'KA01\r\n\tAB1234', plate: 'KA01AB1234' },
		{ raw: 'ＫＡ０１ＡＢ１２３４', plate: 'KA01AB1234' }, // full-width
		{ raw: 'KA\u3000０１－AB', plate: 'KA01AB' }, // ideographic space, full-width hyphen
		{ raw: 'ABC·1234', plate: 'ABC1234' }, // middle dot
		{ raw: 'ABC–1234', plate: 'ABC1234' }, // en dash
		{ raw: 'ABC\u00a01234', plate: 'ABC1234' }, // no-break space
		{ raw: 'abcdefghijkl', plate: 'ABCDEFGHIJKL' } // exactly 12
	])('$raw → $plate', ({ raw, plate }) => {
		expect(normalisePlate(raw)).toEqual({ ok: true, value: plate });
	});

	test.each([
		{ raw: '', error: { kind: 'empty' } },
		{ raw: ' -. \n', error: { kind: 'empty' } },
		{ raw: 'KA01@B1234', error: { kind: 'invalid-character', character: '@', index: 4 } },
		{ raw: 'KA01_AB', error: { kind: 'invalid-character', character: '_', index: 4 } },
		{ raw: 'MÜNCHEN1', error: { kind: 'invalid-character', character: 'Ü', index: 1 } },
		{ raw: 'КА01', error: { kind: 'invalid-character', character: 'К', index: 0 } }, // Cyrillic look-alikes
		{ raw: 'STRAßE1', error: { kind: 'invalid-character', character: 'ß', index: 4 } }, // not upper-cased to SS
		{ raw: 'KA01🚗', error: { kind: 'invalid-character', character: '🚗', index: 4 } },
		{ raw: 'ABCDEFGHIJKLM', error: { kind: 'too-long', length: 13, maxLength: 12 } },
		{ raw: 'AB CD EF GH IJ KL M', error: { kind: 'too-long', length: 13, maxLength: 12 } }
	])('refuses $raw', ({ raw, error }) => {
		expect(normalisePlate(raw)).toEqual({ ok: false, error });
	});

	test('is idempotent and yields 1–12 of A–Z0–9', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 20 }), (raw) => {
				const once = normalisePlate(raw);
				if (!once.ok) return;
				expect(once.value).toMatch(/^[A-Z0-9]{1,12}$/);
				expect(normalisePlate(once.value)).toEqual(once);
			})
		);
	});

	test('ignores case and separators wherever they are put', () => {
		const separator = fc.constantFrom(' ', '-', '.', '\n', '·', '－', '\u3000');
		fc.assert(
			fc.property(normalisedText, fc.array(fc.tuple(fc.nat(12), separator), { maxLength: 4 }), (plate, inserts) => {
				let raw = plate.toLowerCase();
				for (const [at, sep] of inserts) raw = raw.slice(0, at) + sep + raw.slice(at);
				expect(normalisePlate(raw)).toEqual({ ok: true, value: plate });
			})
		);
	});
});

describe('parsePlate', () => {
	test.each([
		['KA01AB1234', { format: 'in-standard', state: 'KA', rto: '01', series: 'AB', number: '1234' }],
		['DL 3C AB 1234', { format: 'in-standard', state: 'DL', rto: '3', series: 'CAB', number: '1234' }],
		['MH 12 A 0123', { format: 'in-standard', state: 'MH', rto: '12', series: 'A', number: '0123' }],
		['KL07\n1234', { format: 'in-standard', state: 'KL', rto: '07', series: '', number: '1234' }],
		['KA120', { format: 'in-standard', state: 'KA', rto: '1', series: '', number: '20' }], // 12 + 0 is not a number
		['TG09ABC1', { format: 'in-standard', state: 'TG', rto: '09', series: 'ABC', number: '1' }],
		['OR02Q4567', { format: 'in-standard', state: 'OR', rto: '02', series: 'Q', number: '4567' }], // historic code
		['22 BH 1234 AA', { format: 'in-bharat', year: '22', number: '1234', series: 'AA' }],
		['25BH0042C', { format: 'in-bharat', year: '25', number: '0042', series: 'C' }]
	])('in: %s', (text, parts) => {
		expect(parsePlate(text, 'in')).toMatchObject({ country: 'in', ...parts });
	});

	test.each([
		['XX01AB1234', 'no such state code'],
		['KA00AB1234', 'RTO 00 is never issued'],
		['KA01AB0000', 'number 0000 is never issued'],
		['KA01ABCD1234', 'series of four letters'],
		['KA01AB12345', 'number of five digits'],
		['KA123AB1234', 'RTO of three digits'],
		['KAAB1234', 'no RTO'],
		['KA01AB', 'no number'],
		['20BH1234AA', 'Bharat series began in 2021'],
		['22BH1234AO', 'Bharat series skips O'],
		['22BH123AA', 'Bharat number has four digits'],
		['22BH0000AA', 'Bharat number 0000'],
		['KA01 AB 1234 X', 'trailing letter'],
		['', 'empty']
	])('in: refuses %s (%s)', (text) => {
		expect(parsePlate(text, 'in')).toBeNull();
		expect(isValidPlate(text, 'in')).toBe(false);
	});

	test.each<[string, PlateCountry, string | null]>([
		['ABC-1234', 'br', 'br-old'],
		['ABC1D23', 'br', 'br-mercosur'],
		['AB12345', 'br', null],
		['ABC12D3', 'br', null],
		['ABCD123', 'br', null],
		['B-MW 1234', 'eu', 'eu'],
		['1-ABC-234', 'eu', 'eu'], // Belgian: starts with a digit
		['1234 BCD', 'eu', 'eu'], // Spanish
		['GD 123 AB', 'eu', 'eu'],
		['ABCDEF', 'eu', null], // no digit
		['AB123456789', 'eu', null], // 11 characters
		['7', 'eu', null],
		['ABC 1234', 'us', 'us'],
		['GO4IT', 'us', 'us'],
		['VANITY', 'us', 'us'], // all letters
		['ABCD12345', 'us', null], // 9 characters
		['A', 'us', null],
		['AB', 'generic', 'generic'],
		['ABCDEFGH1234', 'generic', 'generic'],
		['A', 'generic', null],
		['KA01@B', 'generic', null]
	])('%s as %s → %s', (text, country, format) => {
		const parsed = parsePlate(text, country);
		expect(parsed?.format ?? null).toBe(format);
		expect(isValidPlate(text, country)).toBe(format !== null);
	});

	test.each(PLATE_COUNTRIES)('%s: generated plates parse, also when typed with separators', (country) => {
		fc.assert(
			fc.property(validPlate[country], fc.nat(12), (plate, cut) => {
				const twoLine = `${plate.slice(0, cut)}\n${plate.slice(cut)}`;
				expect(parsePlate(plate, country)?.plate).toBe(plate);
				expect(parsePlate(twoLine, country)?.plate).toBe(plate);
			})
		);
	});

	test('Indian parts put back together are the plate', () => {
		fc.assert(
			fc.property(validPlate.in, (plate) => {
				const parsed = parsePlate(plate, 'in');
				const joined =
					parsed?.format === 'in-standard'
						? parsed.state + parsed.rto + parsed.series + parsed.number
						: parsed?.format === 'in-bharat'
							? `${parsed.year}BH${parsed.number}${parsed.series}`
							: null;
				expect(joined).toBe(plate);
			})
		);
	});

	test('a parsed plate is always the normalised input', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 14 }), fc.constantFrom(...PLATE_COUNTRIES), (text, country) => {
				const parsed = parsePlate(text, country);
				if (parsed === null) return;
				expect(normalisePlate(text)).toEqual({ ok: true, value: parsed.plate });
			})
		);
	});
});
