import { describe, expect, test } from 'vitest';
import { parseCsv, toCsv } from './csv.ts';

describe('toCsv', () => {
	test.each([
		['plain', 'KA01AB1234', 'KA01AB1234'],
		['a comma', 'a,b', '"a,b"'],
		['quotes', 'say "hi"', '"say ""hi"""'],
		['a line break', 'a\nb', '"a\nb"'],
		['a formula', '=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
		['a leading minus in text', '-5', "'-5"]
	])('%s', (_n, value, out) => {
		expect(toCsv(['h'], [[value]])).toBe(`h\r\n${out}\r\n`);
	});

	test('numbers and empty cells are written as they are', () => {
		expect(toCsv(['a', 'b', 'c'], [[-5, null, 1.5]])).toBe('a,b,c\r\n-5,,1.5\r\n');
	});
});

describe('parseCsv', () => {
	test('header lower-cased, rows with the line they start on, quoted line breaks kept', () => {
		const { header, rows } = parseCsv('\uFEFFPlate,Reason\r\nKA01AB1234,"stolen, blue"\n\nMH12"X,"two\nlines"\nDL3CAB0001,x');
		expect(header).toEqual(['plate', 'reason']);
		expect(rows).toEqual([
			{ line: 2, cells: ['KA01AB1234', 'stolen, blue'] },
			{ line: 4, cells: ['MH12"X', 'two\nlines'] },
			{ line: 6, cells: ['DL3CAB0001', 'x'] }
		]);
	});

	test('what toCsv writes reads back', () => {
		const rows = [['a,b', 'say "hi"', 'x\ny']];
		expect(parseCsv(toCsv(['p', 'q', 'r'], rows)).rows[0]?.cells).toEqual(rows[0]);
	});
});

describe('reportCsv', async () => {
	const { reportCsv } = await import('./report-csv.ts');
	test('revenue in rupees, exact to the paisa', () => {
		const report = { currency: 'INR', byDay: [{ date: '2026-11-01', paise: 12345605, payments: 3 }], byLot: [], byClass: [], byMethod: [] };
		const csv = reportCsv('revenue', report as never);
		expect(csv).toContain('# revenue by day\r\ndate,amount_inr,payments\r\n2026-11-01,123456.05,3\r\n');
	});
});
