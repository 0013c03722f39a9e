import { z } from 'zod';
import { AppError } from '$lib/server/http/errors';
import { parseWith } from '$lib/server/http/api';
import { lots } from '$lib/server/parking/lots';
import { REPORT_KINDS, reportQuerySchema, runReport, type AnyReport } from '$lib/server/reports/reports';
import type { PageServerLoad } from './$types';

const pageQuery = reportQuerySchema.extend({ kind: z.enum(REPORT_KINDS).default('revenue'), print: z.string().optional() });

export const load: PageServerLoad = async ({ locals, url }) => {
	const raw = Object.fromEntries(url.searchParams);
	const allLots = (await lots(locals.db)).map(({ id, name }) => ({ id, name }));
	try {
		const q = parseWith(pageQuery, raw);
		const report: AnyReport = await runReport(locals.db, q.kind, q, Date.now());
		return { kind: q.kind, query: { lotId: q.lotId ?? '', from: report.fromDate, to: report.toDate }, print: q.print === '1', lots: allLots, report, error: null };
	} catch (error) {
		if (!(error instanceof AppError)) throw error;
		const kind = REPORT_KINDS.find((k) => k === raw.kind) ?? 'revenue';
		return { kind, query: { lotId: raw.lotId ?? '', from: raw.from ?? '', to: raw.to ?? '' }, print: false, lots: allLots, report: null, error: Object.values(error.fields ?? {})[0] ? `${error.message} (${Object.entries(error.fields ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ')})` : error.message };
	}
};
