import { expect, test } from 'vitest';
import { count, dateTime, duration, money, moneyShort } from './format.ts';

test.each([
	[12345600, '₹1,23,456.00'],
	[5, '₹0.05'],
	[0, '₹0.00']
])('money(%i) = %s', (p, s) => expect(money(p)).toBe(s));

test('short money, counts, durations and zoned times', () => {
	expect(moneyShort(1234567890)).toBe('₹1,23,45,679');
	expect(count(1234567)).toBe('12,34,567');
	expect(duration(125)).toBe('2 h 05 min');
	expect(duration(45)).toBe('45 min');
	expect(dateTime(Date.UTC(2026, 10, 2, 4, 0), 'Asia/Kolkata')).toMatch(/2 Nov 2026.*09:30/);
});
