import { describe, expect, test } from 'vitest';
import { Registry } from './registry.ts';

describe('Registry.render (Prometheus text format 0.0.4)', () => {
	test('a histogram writes cumulative buckets, +Inf, sum and count per label set', () => {
		const r = new Registry();
		const h = r.histogram('req_seconds', 'Latency.', ['route', 'status'], [0.1, 1]);
		h.observe({ route: '/a', status: '2xx' }, 0.05);
		h.observe({ status: '2xx', route: '/a' }, 0.5);
		h.observe({ route: '/a', status: '2xx' }, 3);
		h.observe({ route: '/b/[id]', status: '4xx' }, 0.1);
		expect(r.render()).toBe(
			[
				'# HELP req_seconds Latency.',
				'# TYPE req_seconds histogram',
				'req_seconds_bucket{route="/a",status="2xx",le="0.1"} 1',
				'req_seconds_bucket{route="/a",status="2xx",le="1"} 2',
				'req_seconds_bucket{route="/a",status="2xx",le="+Inf"} 3',
				'req_seconds_sum{route="/a",status="2xx"} 3.55',
				'req_seconds_count{route="/a",status="2xx"} 3',
				'req_seconds_bucket{route="/b/[id]",status="4xx",le="0.1"} 1',
				'req_seconds_bucket{route="/b/[id]",status="4xx",le="1"} 1',
				'req_seconds_bucket{route="/b/[id]",status="4xx",le="+Inf"} 1',
				'req_seconds_sum{route="/b/[id]",status="4xx"} 0.1',
				'req_seconds_count{route="/b/[id]",status="4xx"} 1',
				''
			].join('\n')
		);
	});

	test('counters and gauges; label values escaped; a metric without series still says its type', () => {
		const r = new Registry();
		const c = r.counter('hits_total', 'Hits.', ['path']);
		const g = r.gauge('depth', 'Depth.');
		r.gauge('empty', 'Nothing yet.', ['x']);
		c.inc({ path: 'a"b\\c\nd' });
		c.inc({ path: 'a"b\\c\nd' }, 2);
		g.set({}, 7);
		expect(r.render()).toBe(
			['# HELP hits_total Hits.', '# TYPE hits_total counter', 'hits_total{path="a\\"b\\\\c\\nd"} 3', '# HELP depth Depth.', '# TYPE depth gauge', 'depth 7', '# HELP empty Nothing yet.', '# TYPE empty gauge', ''].join('\n')
		);
		g.reset();
		expect(r.render()).not.toContain('depth 7');
	});

	test('misuse is refused', () => {
		const r = new Registry();
		const c = r.counter('c_total', 'C.', ['a']);
		expect(() => c.inc({ a: 'x' }, -1)).toThrow(/only goes up/);
		expect(() => c.inc({ b: 'x' })).toThrow(/labels must be exactly a/);
		expect(() => c.inc({})).toThrow(/labels must be exactly a/);
		expect(() => r.counter('c_total', 'again')).toThrow(/already registered/);
		expect(() => r.gauge('bad-name', 'x')).toThrow(/metric name/);
		expect(() => r.histogram('h', 'x', ['le'], [1])).toThrow(/label name/);
		expect(() => r.histogram('h2', 'x', [], [1, 1])).toThrow(/ascending/);
	});
});
