import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defaultPlan, lotTariffSchema, planForVehicle, tariffPlanSchema, type TariffPlanInput } from './tariff-plan.ts';

const slabs: TariffPlanInput = {
	graceMinutes: 10,
	charge: {
		kind: 'slabs',
		slabs: [
			{ upToMinutes: 30, amountPaise: 2000 },
			{ upToMinutes: 120, amountPaise: 5500 }
		],
		thereafter: { everyMinutes: 60, amountPaise: 1000 }
	},
	capPer24hPaise: 20000,
	nightCharge: { from: '23:00', until: '05:00', amountPaise: 5000 }
};

/** The messages of the issues zod reports at `path` for `input`. */
function issuesAt(input: unknown, path: string): string[] {
	const result = tariffPlanSchema.safeParse(input);
	return (result.error?.issues ?? []).filter((issue) => issue.path.join('.') === path).map((issue) => issue.message);
}

describe('tariffPlanSchema', () => {
	test('accepts a typical Indian slab plan and fills defaults', () => {
		expect(tariffPlanSchema.parse(slabs)).toMatchObject({ currency: 'INR', graceMinutes: 10 });
		expect(tariffPlanSchema.parse({ charge: { kind: 'hourly', ratePerHourPaise: 4000 } })).toEqual({
			currency: 'INR',
			graceMinutes: 0,
			charge: { kind: 'hourly', ratePerHourPaise: 4000, roundingMinutes: 60 }
		});
	});

	const slab = (upToMinutes: number, amountPaise: number) => ({ upToMinutes, amountPaise });
	const withSlabs = (list: { upToMinutes: number; amountPaise: number }[]) => ({
		...slabs,
		charge: { kind: 'slabs', slabs: list, thereafter: { everyMinutes: 60, amountPaise: 1000 } }
	});

	test.each([
		{
			why: 'slabs not increasing in duration',
			input: withSlabs([slab(60, 2000), slab(30, 5500)]),
			path: 'charge.slabs.1.upToMinutes',
			message: /must last longer/
		},
		{
			why: 'slabs not increasing in price',
			input: withSlabs([slab(30, 2000), slab(60, 2000)]),
			path: 'charge.slabs.1.amountPaise',
			message: /must cost more/
		},
		{ why: 'no slab at all', input: withSlabs([]), path: 'charge.slabs', message: /at least one slab/ },
		{
			why: 'cap lower than the first slab',
			input: { ...slabs, capPer24hPaise: 1500 },
			path: 'capPer24hPaise',
			message: /lower than the first charge/
		},
		{
			why: 'cap lower than the first hourly unit',
			input: { charge: { kind: 'hourly', ratePerHourPaise: 4000, roundingMinutes: 30 }, capPer24hPaise: 1999 },
			path: 'capPer24hPaise',
			message: /lower than the first charge \(2000 paise\)/
		},
		{ why: 'negative amount', input: { ...slabs, capPer24hPaise: -1 }, path: 'capPer24hPaise', message: /negative/ },
		{
			why: 'fractional paise',
			input: withSlabs([slab(30, 2000.5)]),
			path: 'charge.slabs.0.amountPaise',
			message: /whole number of paise/
		},
		{
			why: 'hourly rate that is a fraction of a paisa per unit',
			input: { charge: { kind: 'hourly', ratePerHourPaise: 1001, roundingMinutes: 15 } },
			path: 'charge.roundingMinutes',
			message: /fraction of a paisa/
		},
		{
			why: 'grace longer than the cap window',
			input: { ...slabs, graceMinutes: 1441 },
			path: 'graceMinutes',
			message: /24 h cap window/
		},
		{ why: 'grace covering the first slab', input: { ...slabs, graceMinutes: 30 }, path: 'graceMinutes', message: /first slab/ },
		{
			why: 'night window start == end',
			input: { ...slabs, nightCharge: { from: '23:00', until: '23:00', amountPaise: 5000 } },
			path: 'nightCharge.until',
			message: /same time/
		},
		{
			why: 'night window time out of range',
			input: { ...slabs, nightCharge: { from: '24:00', until: '05:00', amountPaise: 5000 } },
			path: 'nightCharge.from',
			message: /HH:MM/
		},
		{ why: 'a misspelt field', input: { ...slabs, capPer24Paise: 100 }, path: '', message: /capPer24Paise/ },
		{ why: 'a lower-case currency', input: { ...slabs, currency: 'inr' }, path: 'currency', message: /ISO 4217/ }
	])('refuses $why', ({ input, path, message }) => {
		const messages = issuesAt(input, path);
		expect(messages.length, `issues at "${path}"`).toBeGreaterThan(0);
		expect(messages.join(' | ')).toMatch(message);
	});

	test('reports every contradiction at once', () => {
		const result = tariffPlanSchema.safeParse({
			...withSlabs([slab(60, 3000), slab(30, 2000)]),
			capPer24hPaise: 100,
			nightCharge: { from: '01:00', until: '01:00', amountPaise: 1 }
		});
		expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
			'capPer24hPaise',
			'charge.slabs.1.amountPaise',
			'charge.slabs.1.upToMinutes',
			'nightCharge.until'
		]);
	});

	test('generates a JSON Schema for the API contract', () => {
		const schema = z.toJSONSchema(tariffPlanSchema, { io: 'input' }) as {
			properties: Record<string, unknown>;
			required: string[];
		};
		expect(Object.keys(schema.properties)).toEqual([
			'name',
			'currency',
			'graceMinutes',
			'charge',
			'capPer24hPaise',
			'nightCharge'
		]);
		expect(schema.required).toEqual(['charge']);
		expect(JSON.stringify(schema)).toContain('rolling 24 h window');
	});
});

describe('defaultPlan', () => {
	test("is the original system's hourly rate with its grace period", () => {
		expect(defaultPlan()).toEqual({
			name: 'Default hourly',
			currency: 'INR',
			graceMinutes: 10,
			charge: { kind: 'hourly', ratePerHourPaise: 5000, roundingMinutes: 60 }
		});
		expect(defaultPlan({ baseRatePerHourPaise: 3000, graceMinutes: 0 })).toMatchObject({
			graceMinutes: 0,
			charge: { ratePerHourPaise: 3000 }
		});
	});

	test('refuses values the schema refuses', () => {
		expect(() => defaultPlan({ baseRatePerHourPaise: 50.5 })).toThrow(/whole number of paise/);
		expect(() => defaultPlan({ graceMinutes: -1 })).toThrow(/negative/);
	});
});

describe('lotTariffSchema', () => {
	const car = tariffPlanSchema.parse(slabs);

	test('maps vehicle classes to plans, in the lot zone and currency', () => {
		const tariff = lotTariffSchema.parse({ plans: { car } });
		expect(tariff).toMatchObject({ timeZone: 'Asia/Kolkata', currency: 'INR' });
		expect(planForVehicle(tariff, 'car')).toEqual(car);
		expect(planForVehicle(tariff, 'heavy-commercial')).toBeNull();
	});

	test.each([
		{ why: 'a plan in another currency', input: { currency: 'USD', plans: { car } }, path: 'plans.car.currency' },
		{ why: 'an unknown zone', input: { timeZone: 'Asia/Bangalore', plans: {} }, path: 'timeZone' },
		{ why: 'an unknown vehicle class', input: { plans: { tank: car } }, path: 'plans' }
	])('refuses $why', ({ input, path }) => {
		const issues = lotTariffSchema.safeParse(input).error?.issues ?? [];
		expect(issues.map((issue) => issue.path.join('.'))).toContain(path);
	});
});
