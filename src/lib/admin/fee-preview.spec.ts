import { describe, expect, test } from 'vitest';
import { defaultPlan } from '../parking/tariff-plan.ts';
import { localInputToUtc, previewFee } from './fee-preview.ts';

const plan = JSON.stringify(defaultPlan());

describe('previewFee', () => {
	test('the default plan (₹50 per started hour, 10 free minutes): 90 minutes cost ₹100', () => {
		const p = previewFee(plan, '2026-11-02T09:00', '2026-11-02T10:30', 'Asia/Kolkata');
		expect(p).toMatchObject({ ok: true, totalPaise: 10_000, minutes: 90, waived: null });
	});

	test.each([
		['9 minutes are free (grace)', '2026-11-02T09:00', '2026-11-02T09:09', { ok: true, totalPaise: 0, waived: 'grace' }],
		['an exit before the entry is refused', '2026-11-02T10:00', '2026-11-02T09:00', { ok: false, problems: ['The exit is before the entry.'] }],
		['no times', '', '', { ok: false }]
	])('%s', (_n, entry, exit, expected) => {
		expect(previewFee(plan, entry, exit, 'Asia/Kolkata')).toMatchObject(expected);
	});

	test('a plan that is not JSON, or contradicts itself, says why', () => {
		expect(previewFee('{', '2026-11-02T09:00', '2026-11-02T10:00', 'Asia/Kolkata')).toMatchObject({ ok: false });
		const bad = previewFee(JSON.stringify({ ...defaultPlan(), currency: 'rupees' }), '2026-11-02T09:00', '2026-11-02T10:00', 'Asia/Kolkata');
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.problems.join()).toMatch(/currency/);
	});

	test('wall-clock input is read in the zone', () => {
		expect(localInputToUtc('2026-11-02T09:30', 'Asia/Kolkata')).toBe(Date.UTC(2026, 10, 2, 4, 0));
		expect(localInputToUtc('2026-11-02 09:30', 'Asia/Kolkata')).toBeNull();
	});
});
