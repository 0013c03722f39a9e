/**
 * CSV in and out (RFC 4180: comma, CRLF, double quotes doubled). Text cells that a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) get a leading `'`, so an exported
 * plate or note can't become a formula; numbers are written as they are.
 */

export type Cell = string | number | null | undefined;

function cell(v: Cell): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'number') return String(v);
	const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV document: a header line, then one line per row. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
	return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Parses CSV text into records by line number (1 = the first line, the header's), so an import
 * can name the line of each bad row. Quoted fields may hold commas, quotes and line breaks.
 * @returns the header and the rows, each with the line it starts on
 */
export function parseCsv(text: string): { header: string[]; rows: Array<{ line: number; cells: string[] }> } {
	const records: Array<{ line: number; cells: string[] }> = [];
	let cells: string[] = [];
	let field = '';
	let quoted = false;
	let line = 1;
	let startLine = 1;
	let fieldStarted = false;
	const src = text.replace(/^\uFEFF/, '');
	const endRecord = () => {
		cells.push(field);
		if (!(cells.length === 1 && cells[0] === '' && !fieldStarted)) records.push({ line: startLine, cells });
		cells = [];
		field = '';
		fieldStarted = false;
	};
	for (let i = 0; i < src.length; i++) {
		const c = src[i]!;
		if (quoted) {
			if (c === '"' && src[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else {
				if (c === '\n') line++;
				field += c;
			}
			continue;
		}
		if (c === '"' && field === '') {
			quoted = true;
			fieldStarted = true;
		} else if (c === ',') {
			cells.push(field);
			field = '';
			fieldStarted = true;
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && src[i + 1] === '\n') i++;
			endRecord();
			line++;
			startLine = line;
		} else {
			field += c;
			fieldStarted = true;
		}
	}
	if (field !== '' || cells.length > 0 || fieldStarted) endRecord();
	const [head, ...rows] = records;
	return { header: (head?.cells ?? []).map((h) => h.trim().toLowerCase()), rows };
}
