import fc from 'fast-check';
import { expect, test } from 'vitest';
import { MinHeap } from './heap.ts';

test('pops in order whatever the pushes', () => {
	fc.assert(
		fc.property(fc.array(fc.integer()), fc.array(fc.boolean()), (values, popsBetween) => {
			const heap = new MinHeap<number>((a, b) => a < b);
			const popped: number[] = [];
			values.forEach((value, i) => {
				heap.push(value);
				// Popping midway must still give the smallest of what is inside.
				if (popsBetween[i] === true) popped.push(heap.pop() as number);
			});
			expect(heap.size).toBe(values.length - popped.length);
			const rest: number[] = [];
			for (let value = heap.pop(); value !== undefined; value = heap.pop()) rest.push(value);
			expect(rest).toEqual([...rest].sort((a, b) => a - b));
			expect([...popped, ...rest].sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
		})
	);
	expect(new MinHeap<number>((a, b) => a < b).pop()).toBeUndefined();
});
