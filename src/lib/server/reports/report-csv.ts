/**
 * Every report as CSV: one section per table of the report, money in rupees with two decimals
 * (exact, from paise) so a spreadsheet sums it, dates and hours in the lots' zone.
 */
import { fromMinorUnits } from '../../parking/money.ts';
import { toCsv, type Cell } from './csv.ts';
import type { AnomalyReport, AnyReport, OccupancyReport, ReportKind, RevenueReport, StayReport } from './reports.ts';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** The report's tables as one CSV document, sections separated by a blank line. */
export function reportCsv(kind: ReportKind, report: AnyReport): string {
	const sections = tables(kind, report);
	return sections.map(([title, header, rows]) => `# ${title}\r\n${toCsv(header, rows)}`).join('\r\n');
}

type Table = [title: string, header: string[], rows: Cell[][]];

function tables(kind: ReportKind, report: AnyReport): Table[] {
	switch (kind) {
		case 'revenue': {
			const r = report as RevenueReport;
			const money = (p: number) => fromMinorUnits(p, r.currency);
			const cur = `amount_${r.currency.toLowerCase()}`;
			return [
				['revenue by day', ['date', cur, 'payments'], r.byDay.map((d) => [d.date, money(d.paise), d.payments])],
				['revenue by lot', ['lot', cur, 'payments'], r.byLot.map((d) => [d.name, money(d.paise), d.payments])],
				['revenue by vehicle class', ['vehicle_class', cur, 'payments'], r.byClass.map((d) => [d.vehicleClass, money(d.paise), d.payments])],
				['revenue by payment method', ['method', cur, 'payments'], r.byMethod.map((d) => [d.method, money(d.paise), d.payments])]
			];
		}
		case 'occupancy': {
			const r = report as OccupancyReport;
			return [
				['vehicles inside at the hour, by hour of day', ['hour', 'average_inside', 'entries', 'exits'], r.byHour.map((h) => [hh(h.hour), h.averageInside, h.entries, h.exits])],
				['average vehicles inside at the hour, by weekday', ['weekday', ...Array.from({ length: 24 }, (_, h) => hh(h))], r.heatmap.map((row, d) => [WEEKDAYS[d]!, ...row])]
			];
		}
		case 'stays': {
			const r = report as StayReport;
			return [
				['stay length', ['stay', 'stays'], r.distribution.map((d) => [d.label, d.stays])],
				['stays by vehicle class', ['vehicle_class', 'stays', 'average_minutes'], r.byClass.map((c) => [c.vehicleClass, c.stays, c.averageMinutes])]
			];
		}
		case 'anomalies': {
			const r = report as AnomalyReport;
			return [
				['anomalies by kind', ['kind', 'total', 'open', 'acknowledged', 'resolved'], r.byKind.map((k) => [k.kind, k.total, k.open, k.acknowledged, k.resolved])],
				['anomalies by day', ['date', 'count'], r.byDay.map((d) => [d.date, d.count])]
			];
		}
	}
}
