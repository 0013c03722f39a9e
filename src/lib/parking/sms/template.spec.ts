import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SMS_KIND_SPECS, SMS_KINDS } from './kinds.ts';
import { countSegments, MAX_SEGMENTS } from './segments.ts';
import { checkTemplate, placeholdersOf, renderTemplate, type PlaceholderSpec } from './template.ts';

const specs: Record<string, PlaceholderSpec> = {
	plate: { max: 12, worst: 'KA01AB12345X' },
	lot: { max: 30, worst: 'x', cut: true },
	amount: { max: 16, worst: '₹99,99,99,999.00' }
};

describe('checkTemplate', () => {
	test('a template with known placeholders is accepted with its worst-case segments', () => {
		expect(checkTemplate('{lot}: {amount} for {plate}', specs)).toEqual({ ok: true, value: 1 });
	});

	test.each<[string, string, object]>([
		['unknown placeholders are refused (bad input)', 'Paid {amount} for {plate} at {when} by {whom}', { kind: 'unknown_placeholder', names: ['when', 'whom'] }],
		['a misspelt placeholder is refused', 'Paid {Amount}', { kind: 'unknown_placeholder', names: ['Amount'] }],
		['an empty placeholder is refused', 'Paid {}', { kind: 'unknown_placeholder', names: [''] }],
		['a stray opening brace is refused', 'Paid {amount', { kind: 'unbalanced_brace', at: 5 }],
		['a stray closing brace is refused', 'Paid amount}', { kind: 'unbalanced_brace', at: 11 }],
		['an empty template is refused', '   ', { kind: 'empty' }],
		['a template past two segments with its longest values is refused', `{amount} ${'x'.repeat(120)}`, { kind: 'too_long', segments: 3 }]
	])('%s', (_, text, error) => {
		const result = checkTemplate(text, specs);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatchObject(error);
	});

	test.each(SMS_KINDS)('the built-in %s template passes its own check', (kind) => {
		expect(checkTemplate(SMS_KIND_SPECS[kind].defaultTemplate, SMS_KIND_SPECS[kind].placeholders).ok).toBe(true);
	});

	test('placeholdersOf lists each name once', () => {
		expect(placeholdersOf('{a} {b} {a}')).toEqual({ ok: true, value: ['a', 'b'] });
	});
});

describe('renderTemplate', () => {
	test('fills the values, cutting long names with an ellipsis', () => {
		const body = renderTemplate('{lot}: {amount} for {plate}', specs, { lot: 'A very long lot name indeed, much more than thirty', amount: '₹120.00', plate: 'KA01AB1234' });
		expect(body).toBe('A very long lot name indeed, …: ₹120.00 for KA01AB1234');
	});

	test('a value naming a placeholder is not filled again', () => {
		expect(renderTemplate('{lot} {plate}', specs, { lot: '{plate}', plate: 'X1' })).toBe('{plate} X1');
	});

	test('a missing value is a programming mistake', () => {
		expect(() => renderTemplate('{lot}', specs, {})).toThrow(/no value/);
	});

	test('every kind: a message from its (checked) template fits in two segments, whatever the values', () => {
		fc.assert(
			fc.property(fc.constantFrom(...SMS_KINDS), fc.dictionary(fc.string(), fc.string({ maxLength: 200 })), fc.string({ maxLength: 200 }), (kind, extra, filler) => {
				const spec = SMS_KIND_SPECS[kind];
				const values = Object.fromEntries(Object.keys(spec.placeholders).map((name) => [name, extra[name] ?? filler]));
				// non-cuttable values (plates, amounts, times) come from the app in their own form: keep them GSM or as the worst case
				for (const [name, p] of Object.entries(spec.placeholders)) if (!p.cut) values[name] = p.worst;
				expect(countSegments(renderTemplate(spec.defaultTemplate, spec.placeholders, values)).segments).toBeLessThanOrEqual(MAX_SEGMENTS);
			})
		);
	});
});
