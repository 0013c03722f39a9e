/**
 * The hotlist (plates to stop) and the whitelist (plates let in on a permit: monthly, resident,
 * staff) as CSV: export, and import that checks every row first and names each bad one by its
 * line in the file. An import with any bad row imports nothing (fix the file, send it again);
 * a clean one is added in one transaction, audited row by row by the services it goes through.
 */
import { z } from 'zod';
import { parseLocalDate, localRange } from '../reports/time-buckets.ts';
import { formatLocalDate, localDateAt } from '../../parking/time-zone.ts';
import type { Database } from '../db/database.ts';
import { within } from '../db/within.ts';
import { parseCsv, toCsv } from '../reports/csv.ts';
import { listLots, type LotRow } from '../parking/lots.repo.ts';
import { addToHotlist, createPermit, hotlistEntries, hotlistInputSchema, permitInputSchema, permits } from '../parking/permits.ts';
import { AppError } from '../http/errors.ts';

/** At most this many rows per import (a city's list fits; a mistake doesn't run for minutes). */
export const MAX_IMPORT_ROWS = 5000;
export const MAX_IMPORT_BYTES = 1024 * 1024;

export interface RowProblem {
	line: number;
	message: string;
}

export type ImportResult = { imported: number; problems: [] } | { imported: 0; problems: RowProblem[] };

export const HOTLIST_COLUMNS = ['plate', 'reason', 'priority', 'expires'] as const;
export const PERMIT_COLUMNS = ['plate', 'kind', 'lots', 'valid_from', 'valid_until', 'holder', 'phone'] as const;

function describe(error: z.ZodError): string {
	return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}

function readRows(text: string, columns: readonly string[], required: readonly string[]) {
	if (text.length > MAX_IMPORT_BYTES) throw new AppError(413, 'too_large', `The file is over ${MAX_IMPORT_BYTES / 1024} KB.`);
	const { header, rows } = parseCsv(text);
	const missing = required.filter((c) => !header.includes(c));
	if (missing.length) throw new AppError(422, 'bad_header', `Line 1 must name the columns ${columns.join(', ')}; missing: ${missing.join(', ')}.`);
	const unknown = header.filter((h) => !columns.includes(h));
	if (unknown.length) throw new AppError(422, 'bad_header', `Line 1 has columns this list doesn't have: ${unknown.join(', ')} (use ${columns.join(', ')}).`);
	if (rows.length === 0) throw new AppError(422, 'empty', 'The file has no rows under its header.');
	if (rows.length > MAX_IMPORT_ROWS) throw new AppError(422, 'too_many_rows', `At most ${MAX_IMPORT_ROWS} rows per file.`);
	return rows.map(({ line, cells }) => ({ line, cells, get: (c: string) => (cells[header.indexOf(c)] ?? '').trim() }));
}

/** Midnight at the start of a local date (`YYYY-MM-DD`) in `zone`, or undefined. */
const startOfDate = (s: string, zone: string) => {
	const d = parseLocalDate(s);
	return d ? localRange(d, d, zone).from : undefined;
};
const endOfDate = (s: string, zone: string) => {
	const d = parseLocalDate(s);
	return d ? localRange(d, d, zone).until : undefined;
};

/** Imports hotlist rows `plate,reason,priority,expires` (expires: a date, empty for never). */
export async function importHotlist(db: Database, text: string, zone: string, actorUserId: string, now: number): Promise<ImportResult> {
	const rows = readRows(text, HOTLIST_COLUMNS, ['plate', 'reason']);
	const problems: RowProblem[] = [];
	const good: Array<z.output<typeof hotlistInputSchema>> = [];
	for (const r of rows) {
		const expires = r.get('expires');
		const expiresAt = expires === '' ? null : endOfDate(expires, zone);
		if (expiresAt === undefined) {
			problems.push({ line: r.line, message: `expires: "${expires}" is not a date as YYYY-MM-DD` });
			continue;
		}
		if (expiresAt !== null && expiresAt <= now) {
			problems.push({ line: r.line, message: 'expires: the date has passed' });
			continue;
		}
		const parsed = hotlistInputSchema.safeParse({ plate: r.get('plate'), reason: r.get('reason'), priority: r.get('priority') || 'medium', expiresAt });
		if (!parsed.success) problems.push({ line: r.line, message: describe(parsed.error) });
		else good.push(parsed.data);
	}
	if (problems.length) return { imported: 0, problems };
	await db.transaction(async (x) => {
		for (const row of good) await addToHotlist(within(x), row, actorUserId, now);
	});
	return { imported: good.length, problems: [] };
}

/** The live hotlist as CSV, in the columns an import takes. */
export async function exportHotlist(db: Database, zone: string, now: number): Promise<string> {
	const rows = await hotlistEntries(db, now, 100_000, 0);
	return toCsv(HOTLIST_COLUMNS, rows.map((h) => [h.plate, h.reason, h.priority, h.expiresAt === null ? '' : formatLocalDate(localDateAt(h.expiresAt - 1, zone))]));
}

function lotIdsOf(text: string, lots: LotRow[]): string[] | string {
	const names = text.split(/[;|]/).map((s) => s.trim()).filter(Boolean);
	if (names.length === 0) return 'lots: name at least one lot (names or ids, separated by ;)';
	const ids: string[] = [];
	for (const n of names) {
		const lot = lots.find((l) => l.id === n || l.name.toLowerCase() === n.toLowerCase());
		if (!lot) return `lots: no lot is called "${n}"`;
		ids.push(lot.id);
	}
	return ids;
}

/** Imports whitelist (permit) rows `plate,kind,lots,valid_from,valid_until,holder,phone`. */
export async function importPermits(db: Database, text: string, zone: string, actorUserId: string, now: number): Promise<ImportResult> {
	const rows = readRows(text, PERMIT_COLUMNS, ['plate', 'kind', 'lots', 'valid_from', 'valid_until']);
	const lots = await db.run((x) => listLots(x));
	const problems: RowProblem[] = [];
	const good: Array<z.output<typeof permitInputSchema>> = [];
	for (const r of rows) {
		const lotIds = lotIdsOf(r.get('lots'), lots);
		if (typeof lotIds === 'string') {
			problems.push({ line: r.line, message: lotIds });
			continue;
		}
		const validFrom = startOfDate(r.get('valid_from'), zone);
		const validUntil = endOfDate(r.get('valid_until'), zone);
		if (validFrom === undefined || validUntil === undefined) {
			problems.push({ line: r.line, message: 'valid_from and valid_until are dates as YYYY-MM-DD' });
			continue;
		}
		const parsed = permitInputSchema.safeParse({ plate: r.get('plate'), kind: r.get('kind'), lotIds, validFrom, validUntil, holderName: r.get('holder') || undefined, phone: r.get('phone') || undefined });
		if (!parsed.success) problems.push({ line: r.line, message: describe(parsed.error) });
		else good.push(parsed.data);
	}
	if (problems.length) return { imported: 0, problems };
	try {
		await db.transaction(async (x) => {
			for (const [i, row] of good.entries()) {
				try {
					await createPermit(within(x), row, actorUserId, now);
				} catch (error) {
					// a rule the service checks (a phone number, say): name the line, import nothing
					if (error instanceof AppError) throw new LineError(rows[i]!.line, `${error.message}${error.fields ? ` (${Object.entries(error.fields).map(([k, v]) => `${k}: ${v}`).join('; ')})` : ''}`);
					throw error;
				}
			}
		});
	} catch (error) {
		if (error instanceof LineError) return { imported: 0, problems: [{ line: error.line, message: error.message }] };
		throw error;
	}
	return { imported: good.length, problems: [] };
}

class LineError extends Error {
	readonly line: number;
	constructor(line: number, message: string) {
		super(message);
		this.line = line;
	}
}

/** Permits still valid (not revoked, not ended) as CSV, in the columns an import takes. */
export async function exportPermits(db: Database, zone: string, now: number): Promise<string> {
	const [rows, lots] = await Promise.all([permits(db, undefined, 100_000, 0), db.run((x) => listLots(x))]);
	const name = (id: string) => lots.find((l) => l.id === id)?.name ?? id;
	const day = (ms: number) => formatLocalDate(localDateAt(ms, zone));
	return toCsv(
		PERMIT_COLUMNS,
		rows.filter((p) => p.revokedAt === null && p.validUntil > now).map((p) => [p.plate, p.kind, p.lotIds.map(name).join(';'), day(p.validFrom), day(p.validUntil - 1), p.holderName, p.phone])
	);
}
