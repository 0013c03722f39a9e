/** A binary min-heap: the simulator's agenda of things due to happen. */
export class MinHeap<T> {
	readonly #items: T[] = [];
	readonly #before: (a: T, b: T) => boolean;

	/** @param before true when `a` must come out before `b`; ties must be broken by the caller for determinism */
	constructor(before: (a: T, b: T) => boolean) {
		this.#before = before;
	}

	get size(): number {
		return this.#items.length;
	}

	/** Adds an item. */
	push(item: T): void {
		const items = this.#items;
		items.push(item);
		let child = items.length - 1;
		while (child > 0) {
			const parent = (child - 1) >> 1;
			if (!this.#before(items[child] as T, items[parent] as T)) break;
			[items[child], items[parent]] = [items[parent] as T, items[child] as T];
			child = parent;
		}
	}

	/** Removes and returns the first item, or undefined when empty. */
	pop(): T | undefined {
		const items = this.#items;
		const first = items[0];
		const last = items.pop();
		if (items.length === 0 || last === undefined) return first;
		items[0] = last;
		let parent = 0;
		for (;;) {
			const left = 2 * parent + 1;
			const right = left + 1;
			let smallest = parent;
			if (left < items.length && this.#before(items[left] as T, items[smallest] as T)) smallest = left;
			if (right < items.length && this.#before(items[right] as T, items[smallest] as T)) smallest = right;
			if (smallest === parent) return first;
			[items[smallest], items[parent]] = [items[parent] as T, items[smallest] as T];
			parent = smallest;
		}
	}
}
