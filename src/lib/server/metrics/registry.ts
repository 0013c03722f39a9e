/**
 * A small Prometheus client: counters, gauges and histograms with labels, written out in the text
 * exposition format (version 0.0.4) that every Prometheus scrapes. Written here rather than
 * taken from `prom-client`: the app needs three kinds of metric and one output format, and this
 * is a hundred lines with no dependencies.
 */

export type Labels = Record<string, string>;

/** The content type of {@link Registry.render}'s output. */
export const EXPOSITION_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Metric {
	readonly name: string;
	readonly help: string;
	readonly type: 'counter' | 'gauge' | 'histogram';
	lines(): string[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value in quotes, with `\`, `"` and newlines escaped as the format requires. */
function quote(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function labelText(labels: Labels, extra?: [string, string]): string {
	const pairs = Object.entries(labels);
	if (extra) pairs.push(extra);
	return pairs.length ? `{${pairs.map(([k, v]) => `${k}=${quote(v)}`).join(',')}}` : '';
}

/** A number as the format writes it: `+Inf`, `-Inf`, `NaN` or a plain decimal. */
function num(value: number): string {
	if (value === Infinity) return '+Inf';
	if (value === -Infinity) return '-Inf';
	return Number.isNaN(value) ? 'NaN' : String(value);
}

/** Series are keyed by their label values in the metric's label order. */
function seriesKey(names: readonly string[], labels: Labels): string {
	if (Object.keys(labels).length !== names.length || names.some((n) => typeof labels[n] !== 'string')) {
		throw new Error(`labels must be exactly ${names.join(', ') || '(none)'}; got ${Object.keys(labels).join(', ') || '(none)'}`);
	}
	return JSON.stringify(names.map((n) => labels[n]));
}

abstract class Base<S> implements Metric {
	abstract readonly type: Metric['type'];
	protected readonly series = new Map<string, { labels: Labels; value: S }>();
	readonly name: string;
	readonly help: string;
	protected readonly labelNames: readonly string[];

	constructor(name: string, help: string, labelNames: readonly string[]) {
		this.name = name;
		this.help = help;
		this.labelNames = labelNames;
		if (!NAME.test(name)) throw new Error(`not a metric name: ${name}`);
		for (const l of labelNames) if (!LABEL.test(l) || l === 'le') throw new Error(`not a label name: ${l}`);
	}

	protected entry(labels: Labels, init: () => S): { labels: Labels; value: S } {
		const key = seriesKey(this.labelNames, labels);
		let e = this.series.get(key);
		if (!e) {
			// own copy, in label order, so the output is stable whatever order the caller used
			e = { labels: Object.fromEntries(this.labelNames.map((n) => [n, labels[n]!])), value: init() };
			this.series.set(key, e);
		}
		return e;
	}

	abstract lines(): string[];
}

export class Counter extends Base<number> {
	readonly type = 'counter';

	/** @throws Error for a negative amount: counters only go up */
	inc(labels: Labels = {}, by = 1): void {
		if (!(by >= 0)) throw new Error('a counter only goes up');
		this.entry(labels, () => 0).value += by;
	}

	lines(): string[] {
		return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${num(s.value)}`);
	}
}

export class Gauge extends Base<number> {
	readonly type = 'gauge';

	set(labels: Labels, value: number): void {
		this.entry(labels, () => 0).value = value;
	}

	/** Forgets every series (before setting the ones that exist now, e.g. at a scrape). */
	reset(): void {
		this.series.clear();
	}

	lines(): string[] {
		return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${num(s.value)}`);
	}
}

interface HistogramState {
	/** per bucket, not cumulative; the last is +Inf */
	counts: number[];
	sum: number;
	count: number;
}

export class Histogram extends Base<HistogramState> {
	readonly type = 'histogram';
	readonly buckets: readonly number[];

	/** @param buckets upper bounds, ascending (+Inf is added) */
	constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
		super(name, help, labelNames);
		if (!buckets.length || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
			throw new Error('histogram buckets must be finite and ascending');
		}
		this.buckets = buckets;
	}

	observe(labels: Labels, value: number): void {
		const s = this.entry(labels, () => ({ counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 })).value;
		let i = this.buckets.findIndex((b) => value <= b);
		if (i < 0) i = this.buckets.length;
		s.counts[i]!++;
		s.sum += value;
		s.count++;
	}

	lines(): string[] {
		const out: string[] = [];
		for (const { labels, value } of this.series.values()) {
			let cumulative = 0;
			for (let i = 0; i <= this.buckets.length; i++) {
				cumulative += value.counts[i]!;
				const le = i < this.buckets.length ? num(this.buckets[i]!) : '+Inf';
				out.push(`${this.name}_bucket${labelText(labels, ['le', le])} ${cumulative}`);
			}
			out.push(`${this.name}_sum${labelText(labels)} ${num(value.sum)}`);
			out.push(`${this.name}_count${labelText(labels)} ${value.count}`);
		}
		return out;
	}
}

/** The metrics of one process, in the order they were made. */
export class Registry {
	readonly #metrics = new Map<string, Metric>();

	#add<M extends Metric>(metric: M): M {
		if (this.#metrics.has(metric.name)) throw new Error(`metric ${metric.name} is already registered`);
		this.#metrics.set(metric.name, metric);
		return metric;
	}

	counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
		return this.#add(new Counter(name, help, labelNames));
	}

	gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
		return this.#add(new Gauge(name, help, labelNames));
	}

	histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
		return this.#add(new Histogram(name, help, labelNames, buckets));
	}

	/** Every metric in the text exposition format (a metric without series still says what it is). */
	render(): string {
		const out: string[] = [];
		for (const m of this.#metrics.values()) {
			out.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${m.name} ${m.type}`, ...m.lines());
		}
		return `${out.join('\n')}\n`;
	}
}
