/**
 * SMS templates: `{name}` placeholders in admin-editable text. A template is checked when saved:
 * every placeholder must be one its kind provides, and the text filled with each placeholder's
 * longest value must fit in {@link MAX_SEGMENTS}. Rendering cuts values to those lengths, so a
 * saved template's messages stay within the limit.
 */
import { err, ok, type Result } from '../result.ts';
import { countSegments, MAX_SEGMENTS } from './segments.ts';

export interface PlaceholderSpec {
	/** longest value rendered (longer ones are cut, with `…` when `cut` is true) */
	max: number;
	/** the longest value the check fills in; its characters decide the encoding */
	worst: string;
	/** may be shortened to fit (names, reasons); otherwise only cut at `max` */
	cut?: boolean;
}

export type TemplateError =
	| { kind: 'empty' }
	| { kind: 'unknown_placeholder'; names: string[]; allowed: string[] }
	| { kind: 'unbalanced_brace'; at: number }
	| { kind: 'too_long'; segments: number; max: number };

const TOKEN = /\{([^{}]*)\}|[{}]/g;

/** The placeholder names `text` uses, in order of first use, or where a brace is unbalanced. */
export function placeholdersOf(text: string): Result<string[], TemplateError> {
	const names: string[] = [];
	for (const m of text.matchAll(TOKEN)) {
		if (m[1] === undefined) return err({ kind: 'unbalanced_brace', at: m.index });
		if (!names.includes(m[1])) names.push(m[1]);
	}
	return ok(names);
}

/**
 * Checks a template for a kind whose placeholders are `specs`.
 * @returns the worst-case segment count, or why it is refused
 * @example checkTemplate('Paid {amount}', { amount: { max: 16, worst: '₹99,99,99,999.00' } }) // ok(1)
 */
export function checkTemplate(text: string, specs: Readonly<Record<string, PlaceholderSpec>>): Result<number, TemplateError> {
	if (text.trim() === '') return err({ kind: 'empty' });
	const names = placeholdersOf(text);
	if (!names.ok) return names;
	const unknown = names.value.filter((n) => !Object.hasOwn(specs, n));
	if (unknown.length) return err({ kind: 'unknown_placeholder', names: unknown, allowed: Object.keys(specs) });
	const worst = fill(text, (name) => specs[name]!.worst.slice(0, specs[name]!.max).padEnd(specs[name]!.max, 'x'));
	const { segments } = countSegments(worst);
	return segments > MAX_SEGMENTS ? err({ kind: 'too_long', segments, max: MAX_SEGMENTS }) : ok(segments);
}

/**
 * Fills a checked template. Values are cut to their placeholder's `max`; if the text still takes
 * more than {@link MAX_SEGMENTS} (a value in a script outside GSM-7 halves the room), the
 * cuttable values are shortened until it fits or they are gone.
 * @throws Error for a placeholder without a value (a programming mistake: kinds provide all theirs)
 */
export function renderTemplate(text: string, specs: Readonly<Record<string, PlaceholderSpec>>, values: Readonly<Record<string, string>>): string {
	const cut = (value: string, max: number) => ([...value].length <= max ? value : `${[...value].slice(0, Math.max(0, max - 1)).join('')}…`);
	const limits: Record<string, number> = {};
	for (const [name, spec] of Object.entries(specs)) limits[name] = spec.max;
	const render = () =>
		fill(text, (name) => {
			const value = values[name];
			if (value === undefined || !specs[name]) throw new Error(`no value for {${name}}`);
			return cut(value.replace(/\s+/g, ' ').trim(), limits[name]!);
		});
	let body = render();
	const cuttable = Object.keys(specs).filter((n) => specs[n]!.cut && text.includes(`{${n}}`));
	while (countSegments(body).segments > MAX_SEGMENTS && cuttable.some((n) => limits[n]! > 0)) {
		const longest = cuttable.reduce((a, b) => (limits[b]! > limits[a]! ? b : a));
		limits[longest] = Math.max(0, Math.min(limits[longest]!, [...values[longest]!].length) - 4);
		body = render();
	}
	return body;
}

function fill(text: string, value: (name: string) => string): string {
	return text.replace(/\{([^{}]*)\}/g, (_, name: string) => value(name));
}

/** A person-readable reason a template was refused. */
export function describeTemplateError(error: TemplateError): string {
	switch (error.kind) {
		case 'empty':
			return 'The template is empty.';
		case 'unknown_placeholder':
			return `Unknown placeholder${error.names.length > 1 ? 's' : ''} ${error.names.map((n) => `{${n}}`).join(', ')}; this message can use ${error.allowed.map((n) => `{${n}}`).join(', ')}.`;
		case 'unbalanced_brace':
			return `A brace at character ${error.at + 1} does not open or close a placeholder.`;
		case 'too_long':
			return `With its longest values the message takes ${error.segments} SMS segments; at most ${error.max} are allowed.`;
	}
}
