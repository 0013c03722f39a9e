import { z } from 'zod';
import { endpoint, parseWith } from '$lib/server/http/api';
import { readQuery } from '$lib/server/http/query';
import { reportCsv } from '$lib/server/reports/report-csv';
import { REPORT_KINDS, reportQuerySchema, runReport } from '$lib/server/reports/reports';
import type { RequestHandler } from './$types';

/** A report as CSV: `/admin/reports/revenue/csv?lotId=&from=YYYY-MM-DD&to=YYYY-MM-DD`. */
export const GET: RequestHandler = endpoint(async ({ locals, url, params }) => {
	const kind = parseWith(z.enum(REPORT_KINDS), params.kind);
	const query = readQuery(url, reportQuerySchema.strict());
	const report = await runReport(locals.db, kind, query, Date.now());
	const lot = query.lotId ? `-${report.lots[0]?.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : '';
	return new Response(reportCsv(kind, report), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="spms-${kind}${lot}-${report.fromDate}-to-${report.toDate}.csv"`,
			'cache-control': 'no-store'
		}
	});
});
