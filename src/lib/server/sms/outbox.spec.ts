/**
 * The outbox side: a message is written in the transaction of the event that causes it, once per
 * fact, with the number validated; templates are checked when saved; without Twilio messages wait
 * marked "SMS not configured". Both engines.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newId } from '../../id.ts';
import { insertUser } from '../auth/users.repo.ts';
import { createTestDatabase, ENGINES, mariadbAvailable, type TestDatabase } from '../db/testing.ts';
import { within } from '../db/within.ts';
import { gateWithKey } from '../gates/testing.ts';
import { createLot, type Lot } from '../parking/lots.ts';
import { updateGate } from '../parking/lots.repo.ts';
import { addToHotlist, createPermit } from '../parking/permits.ts';
import { scanLongStays } from '../parking/scans.ts';
import { paySession, startSession, endSession, type ParkingSettings } from '../parking/sessions.ts';
import { scanSmsExpiries } from './alerts.ts';
import { outboxPage, type OutboxMessage } from './outbox.ts';
import { drainOnce, NOT_CONFIGURED } from './sender.ts';
import { listTemplates, resetTemplate, saveTemplate } from './templates.ts';
import { applyInbound } from './webhooks.ts';

const T0 = Date.UTC(2026, 10, 2, 4, 0); // 09:30 IST
const MIN = 60_000;
const settings: ParkingSettings = { baseRatePerHourPaise: 5000, gracePeriodMinutes: 10, ocrConfidenceThreshold: 0.8 };
const staff = { userId: 'staff-user' };

describe.each(ENGINES)('SMS outbox on %s', async (engine) => {
	const skip = engine === 'mysql' && !(await mariadbAvailable());
	let tdb: TestDatabase;
	let lot: Lot;
	let euLot: Lot;
	let plateNo = 2000;
	const plate = () => `KA01AB${plateNo++}`;
	const outboxOf = (ref: string) => tdb.db.run((x) => x.q.select().from(x.t.smsOutbox).where(eq(x.t.smsOutbox.ref, ref)));
	const byKeyPrefix = async (prefix: string): Promise<OutboxMessage[]> => (await tdb.db.run((x) => x.q.select().from(x.t.smsOutbox))).filter((r) => r.dedupKey.startsWith(prefix));

	beforeAll(async () => {
		if (skip) return;
		tdb = await createTestDatabase(engine);
		lot = await createLot(tdb.db, { name: 'Forum Mall', country: 'in', timeZone: 'Asia/Kolkata', currency: 'INR', capacity: { car: 500 }, longStayMinutes: 12 * 60, imageRetentionDays: 30 }, null, T0);
		euLot = await createLot(tdb.db, { name: 'Centrum', country: 'eu', timeZone: 'Europe/Berlin', currency: 'EUR', capacity: { car: 50 }, longStayMinutes: 12 * 60, imageRetentionDays: 30 }, null, T0);
		await tdb.db.run(async (x) => {
			for (const [role, phone] of [['operator', '+919800000001'], ['admin', '+919800000002'], ['patrol', '+919800000003'], ['operator', null]] as const) {
				await insertUser(x, { id: newId(), email: `${newId()}@example.com`, passwordHash: 'x', role, phone, createdAt: T0, passwordChangedAt: T0 });
			}
		});
	});
	afterAll(async () => {
		await tdb?.drop();
	});

	test.skipIf(skip)('a payment writes its confirmation in its own transaction, in ₹ and the lot’s time, to the number given (national, read with the lot’s country)', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		const { payment } = await paySession(tdb.db, session.id, { amountPaise: 12_050, method: 'upi', phone: '098123 45678', at: T0 + 30 * MIN }, staff);
		const [row] = await outboxOf(`payment:${payment.id}`);
		expect(row).toMatchObject({ kind: 'payment_confirmation', toPhone: '+919812345678', status: 'pending', priority: 'urgent', segments: 2 });
		expect(row!.body).toBe(`Forum Mall: ₹120.50 received for ${session.plate} at 02 Nov 10:00. Thank you.`);
		// the number is kept for the plate: the next payment needs none
		const again = await paySession(tdb.db, session.id, { amountPaise: 100, method: 'cash', at: T0 + 31 * MIN }, staff);
		expect((await outboxOf(`payment:${again.payment.id}`))[0]?.toPhone).toBe('+919812345678');
	});

	test.skipIf(skip)('no payment, no message: a refused payment and a rolled-back transaction leave the outbox empty', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		const ended = await endSession(tdb.db, session.id, { at: T0 + 30 * MIN }, staff, settings);
		await expect(paySession(tdb.db, session.id, { amountPaise: ended.feePaise! + 1, method: 'cash', phone: '+919812345678', at: T0 + 31 * MIN }, staff)).rejects.toMatchObject({ code: 'overpayment' });
		const id = 'abcdefghijklmnopq234567';
		await expect(
			tdb.db.transaction(async (x) => {
				await paySession(within(x), session.id, { id, amountPaise: 100, method: 'cash', phone: '+919812345678', at: T0 + 32 * MIN }, staff);
				// written inside the transaction, not yet committed
				expect(await x.q.select().from(x.t.smsOutbox).where(eq(x.t.smsOutbox.ref, `payment:${id}`))).toHaveLength(1);
				throw new Error('the caller fails after the payment');
			})
		).rejects.toThrow(/caller fails/);
		expect(await outboxOf(`payment:${id}`)).toHaveLength(0);
		expect((await tdb.db.run((x) => x.q.select().from(x.t.payments).where(eq(x.t.payments.id, id))))).toHaveLength(0);
	});

	test.skipIf(skip)('bad numbers are refused with the payment (422), which is then not recorded', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		for (const phone of ['call me', '12345', '+999 1234 5678']) {
			await expect(paySession(tdb.db, session.id, { amountPaise: 100, method: 'cash', phone, at: T0 + MIN }, staff)).rejects.toMatchObject({ status: 422, fields: { phone: expect.any(String) } });
		}
		// a national number in a lot without a phone country: refused, not guessed
		const eu = await startSession(tdb.db, { lotId: euLot.id, plate: plate(), at: T0 }, staff, settings);
		await expect(paySession(tdb.db, eu.session.id, { amountPaise: 100, method: 'cash', phone: '0151 23456789', at: T0 + MIN }, staff)).rejects.toMatchObject({ status: 422, fields: { phone: expect.stringMatching(/country code/) } });
		const ok = await paySession(tdb.db, eu.session.id, { amountPaise: 100, method: 'cash', phone: '+49 151 23456789', at: T0 + MIN }, staff);
		expect((await outboxOf(`payment:${ok.payment.id}`))[0]).toMatchObject({ toPhone: '+4915123456789', body: expect.stringContaining('€1.00') });
		const paid = await tdb.db.run((x) => x.q.select().from(x.t.payments).where(eq(x.t.payments.sessionId, session.id)));
		expect(paid).toHaveLength(0);
	});

	test.skipIf(skip)('permits store E.164: a national number is read with the first lot’s country, or refused', async () => {
		const base = { plate: plate(), kind: 'monthly' as const, validFrom: T0, validUntil: T0 + 30 * 24 * 60 * MIN };
		expect((await createPermit(tdb.db, { ...base, lotIds: [lot.id], phone: '98123 45678' }, 'admin', T0)).phone).toBe('+919812345678');
		await expect(createPermit(tdb.db, { ...base, lotIds: [euLot.id], phone: '0151 23456789' }, 'admin', T0)).rejects.toMatchObject({ status: 422 });
		await expect(createPermit(tdb.db, { ...base, lotIds: [lot.id], phone: 'not a number' }, 'admin', T0)).rejects.toMatchObject({ status: 422 });
	});

	test.skipIf(skip)('a hotlist hit tells every operator and admin with a number, with the entry', async () => {
		const p = plate();
		await addToHotlist(tdb.db, { plate: p, reason: 'stolen vehicle report 42', priority: 'high', expiresAt: null }, 'admin', T0);
		const { gate } = await gateWithKey(tdb.db, lot.id, 'entry', T0);
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: p, at: T0 + MIN, gateId: gate.id }, staff, settings);
		const rows = await outboxOf(`session:${session.id}`);
		expect(rows.map((r) => r.toPhone).sort()).toEqual(['+919800000001', '+919800000002']);
		expect(rows[0]!.body).toBe(`HOTLIST HIGH: ${p} entered Forum Mall at 02 Nov 09:31 (${gate.name}). Reason: stolen vehicle report 42`);
	});

	test.skipIf(skip)('scans repeated never repeat an alert: long stay, maximum stay, paid stay, permit ending, gate offline', async () => {
		const p = plate();
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: p, at: T0 }, staff, settings);
		await paySession(tdb.db, session.id, { amountPaise: 5000, method: 'cash', phone: '+919811111111', at: T0 + MIN }, staff); // covers the first hour
		// 15 minutes before the paid hour ends, then again and again
		for (const at of [T0 + 45 * MIN, T0 + 46 * MIN, T0 + 50 * MIN]) await scanSmsExpiries(tdb.db, at, settings);
		expect(await byKeyPrefix(`paid_stay:${session.id}:`)).toHaveLength(1);
		expect((await byKeyPrefix(`paid_stay:${session.id}:`))[0]!.body).toBe(`Forum Mall: the paid time for ${p} ends in 15 min, at 02 Nov 10:30. Pay more to avoid extra charges.`);
		// 30 minutes before the 12-hour maximum
		for (const at of [T0 + 11.5 * 60 * MIN, T0 + 11.6 * 60 * MIN]) await scanSmsExpiries(tdb.db, at, settings);
		expect(await byKeyPrefix(`max_stay:${session.id}:`)).toHaveLength(1);
		// past the long-stay threshold: the anomaly scan tells the operators, once
		for (const at of [T0 + 12 * 60 * MIN, T0 + 13 * 60 * MIN]) await scanLongStays(tdb.db, at);
		expect((await byKeyPrefix(`long_stay:${session.id}:`)).map((r) => r.toPhone).sort()).toEqual(['+919800000001', '+919800000002']);

		const permit = await createPermit(tdb.db, { plate: plate(), kind: 'monthly', lotIds: [lot.id], validFrom: T0, validUntil: T0 + 10 * 24 * 60 * MIN, phone: '+919822222222' }, 'admin', T0);
		for (const day of [3, 3.5, 4, 9.2, 9.5]) await scanSmsExpiries(tdb.db, T0 + day * 24 * 60 * MIN, settings);
		const permitAlerts = await byKeyPrefix(`permit:${permit.id}:`);
		expect(permitAlerts.map((r) => r.dedupKey).sort()).toEqual([`permit:${permit.id}:1`, `permit:${permit.id}:7`]);
		expect(permitAlerts.find((r) => r.dedupKey.endsWith(':7'))!.body).toContain('ends in 7 day(s), on 12 Nov 2026');

		const { gate } = await gateWithKey(tdb.db, lot.id, 'exit', T0);
		await tdb.db.run((x) => updateGate(x, gate.id, { lastHeartbeatAt: T0 }));
		for (const at of [T0 + 4 * MIN, T0 + 6 * MIN, T0 + 20 * MIN]) await scanSmsExpiries(tdb.db, at, settings);
		expect(await outboxOf(`gate:${gate.id}`)).toHaveLength(2); // one per operator, for this silence
		await tdb.db.run((x) => updateGate(x, gate.id, { lastHeartbeatAt: T0 + 30 * MIN })); // back, then gone again
		await scanSmsExpiries(tdb.db, T0 + 40 * MIN, settings);
		expect(await outboxOf(`gate:${gate.id}`)).toHaveLength(4);
	});

	test.skipIf(skip)('templates: a saved one is used; unknown placeholders and texts past two segments are refused when saved (bad input)', async () => {
		await expect(saveTemplate(tdb.db, 'payment_confirmation', 'Paid {amount} for {plate} at {parking_lot}', 'admin', T0)).rejects.toMatchObject({ status: 422, code: 'invalid_template', message: expect.stringContaining('{parking_lot}') });
		await expect(saveTemplate(tdb.db, 'payment_confirmation', `{amount} ${'x'.repeat(150)}`, 'admin', T0)).rejects.toMatchObject({ status: 422, message: expect.stringContaining('segments') });
		await expect(saveTemplate(tdb.db, 'payment_confirmation', 'Paid {amount', 'admin', T0)).rejects.toMatchObject({ status: 422 });
		await expect(saveTemplate(tdb.db, 'no_such_kind', 'hello', 'admin', T0)).rejects.toMatchObject({ status: 404 });
		const saved = await saveTemplate(tdb.db, 'payment_confirmation', 'Paid {amount} for {plate}.', 'admin', T0);
		expect(saved).toMatchObject({ isDefault: false, segments: 1 });
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		const { payment } = await paySession(tdb.db, session.id, { amountPaise: 5000, method: 'cash', phone: '+919833333333', at: T0 + MIN }, staff);
		expect((await outboxOf(`payment:${payment.id}`))[0]!.body).toBe(`Paid ₹50.00 for ${session.plate}.`);
		await resetTemplate(tdb.db, 'payment_confirmation', 'admin', T0);
		expect((await listTemplates(tdb.db)).find((t) => t.kind === 'payment_confirmation')).toMatchObject({ isDefault: true });
	});

	test.skipIf(skip)('without Twilio credentials nothing is sent and waiting messages show "SMS not configured"; STOP cancels, START resumes', async () => {
		const { session } = await startSession(tdb.db, { lotId: lot.id, plate: plate(), at: T0 }, staff, settings);
		const { payment } = await paySession(tdb.db, session.id, { amountPaise: 100, method: 'cash', phone: '+919844444444', at: T0 + MIN }, staff);
		await drainOnce(tdb.db, null, T0 + 2 * MIN);
		expect((await outboxOf(`payment:${payment.id}`))[0]).toMatchObject({ status: 'pending', holdReason: NOT_CONFIGURED, attempts: 0 });
		const page = await outboxPage(tdb.db, { status: 'pending' });
		expect(page.rows.some((r) => r.holdReason === NOT_CONFIGURED)).toBe(true);
		expect(page.counts.pending).toBeGreaterThan(0);

		expect(await applyInbound(tdb.db, { From: '+919855555555', Body: 'STOP' }, T0)).toBe('opted_out');
		const second = await paySession(tdb.db, session.id, { amountPaise: 100, method: 'cash', phone: '+919855555555', at: T0 + 3 * MIN }, staff);
		expect((await outboxOf(`payment:${second.payment.id}`))[0]).toMatchObject({ status: 'cancelled', holdReason: 'opted out (STOP)' });
		expect(await applyInbound(tdb.db, { From: '+919855555555', Body: 'start' }, T0)).toBe('opted_in');
		const third = await paySession(tdb.db, session.id, { amountPaise: 100, method: 'cash', at: T0 + 4 * MIN }, staff);
		expect((await outboxOf(`payment:${third.payment.id}`))[0]).toMatchObject({ status: 'pending' });
		expect(await applyInbound(tdb.db, { From: 'not a number', Body: 'STOP' }, T0)).toBe('ignored');
		expect(await applyInbound(tdb.db, { From: '+919855555555', Body: 'where is my car' }, T0)).toBe('ignored');
	});
});
