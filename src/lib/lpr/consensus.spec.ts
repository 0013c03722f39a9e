import { describe, expect, test } from 'vitest';
import { PlateConsensus, voteText, type FrameRead } from './consensus.ts';
import type { Box } from './geometry.ts';

const read = (text: string, conf: number | number[] = 0.9, box: Box = [100, 100, 80, 20]): FrameRead => ({
	text,
	charConfidences: Array.isArray(conf) ? conf : [...text].map(() => conf),
	box
});

describe('voteText', () => {
	test("a read's own confidence caps its characters: a read that may have skipped one counts for less", () => {
		const skipped = { ...read('KL13G8459', 0.95), confidence: 0.38 };
		const v = voteText([skipped, skipped, skipped]);
		expect(v.text).toBe('KL13G8459');
		expect(v.confidence).toBeLessThan(voteText([read('KL13G8459', 0.95), read('KL13G8459', 0.95), read('KL13G8459', 0.95)]).confidence);
		expect(Math.max(...v.charConfidences)).toBeCloseTo(1 - 0.62 ** 3, 6);
		// the full read outvotes the shorter one that is unsure of a gap
		expect(voteText([skipped, skipped, read('KL13TG8459', 0.9)]).text).toBe('KL13TG8459');
	});

	test('one read keeps its own text and confidence', () => {
		const v = voteText([read('KA01AB1234', 0.7)]);
		expect(v.text).toBe('KA01AB1234');
		expect(v.confidence).toBeCloseTo(0.7, 9);
	});

	test('agreeing reads raise the confidence: 1 − Π(1 − c)', () => {
		const v = voteText([read('MH12', 0.6), read('MH12', 0.6)]);
		expect(v.confidence).toBeCloseTo(0.84, 9);
	});

	test('per-character voting fixes a character one frame got wrong', () => {
		const v = voteText([read('KA01AB1234', 0.8), read('KA0IAB1234', [0.8, 0.8, 0.8, 0.5, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]), read('KA01AB1234', 0.8)]);
		expect(v.text).toBe('KA01AB1234');
		// Position 3: 1.6 of 2.1 agreeing, 1 − 0.2² sure → below the unanimous positions.
		expect(v.charConfidences[3]).toBeCloseTo((1.6 / 2.1) * 0.96, 9);
		expect(v.charConfidences[0]).toBeCloseTo(1 - 0.2 ** 3, 9);
	});

	test('the length is voted first, weighted by mean confidence', () => {
		const v = voteText([read('ABC1234', 0.9), read('ABC123', 0.4), read('ABC1234', 0.8)]);
		expect(v.text).toBe('ABC1234');
		expect(v.confidence).toBeLessThan(voteText([read('ABC1234', 0.9), read('ABC1234', 0.8)]).confidence);
	});

	test('a tie goes to the same character whatever the order of the reads', () => {
		expect(voteText([read('A1', 0.5), read('B1', 0.5)]).text).toBe(voteText([read('B1', 0.5), read('A1', 0.5)]).text);
	});

	test('nothing to vote on gives an empty text', () => {
		expect(voteText([])).toEqual({ text: '', confidence: 0, charConfidences: [] });
	});
});

describe('PlateConsensus', () => {
	test('one plate over frames: tentative, then confirmed once, then lost after the gap', () => {
		const c = new PlateConsensus({ minAgreeingReads: 3, minConfidence: 0.6, maxGapMs: 500 });
		expect(c.update(0, [read('KA01AB1234')]).active[0]?.state).toBe('tentative');
		expect(c.update(40, [read('KA01AB1234')]).confirmed).toEqual([]);
		const third = c.update(80, [read('KA01AB1234')]);
		expect(third.confirmed.map((t) => [t.id, t.text, t.state])).toEqual([[1, 'KA01AB1234', 'confirmed']]);
		expect(c.update(120, [read('KA01AB1234')]).confirmed).toEqual([]); // reported once
		expect(c.update(600, []).ended).toEqual([]); // 480 ms without a read: still within the gap
		const end = c.update(621, []);
		expect(end.ended.map((t) => [t.id, t.state, t.reads])).toEqual([[1, 'lost', 4]]);
		expect(end.active).toEqual([]);
	});

	test('two plates side by side stay two tracks', () => {
		const c = new PlateConsensus();
		for (let t = 0; t < 3; t++) {
			c.update(t * 40, [read('KA01AB1234', 0.9, [100 + t, 100, 80, 20]), read('MH12XY9876', 0.9, [400 - t, 120, 80, 20])]);
		}
		const { active } = c.update(120, []);
		expect(active.map((t) => [t.text, t.reads, t.state])).toEqual([
			['KA01AB1234', 3, 'confirmed'],
			['MH12XY9876', 3, 'confirmed']
		]);
	});

	test('a read whose box jumped joins its track by text; a different text starts a new one', () => {
		const c = new PlateConsensus();
		c.update(0, [read('KA01AB1234', 0.9, [0, 0, 80, 20])]);
		c.update(40, [read('KA01AB1Z34', 0.9, [500, 300, 80, 20])]); // one confusable off, far away
		c.update(80, [read('DL3CAB1234', 0.9, [900, 300, 80, 20])]);
		const { active } = c.update(80, []);
		expect(active.map((t) => t.reads)).toEqual([2, 1]);
	});

	test('a confirmed text stays put when later frames outvote it', () => {
		const c = new PlateConsensus({ minAgreeingReads: 2 });
		c.update(0, [read('ABC1234')]);
		c.update(40, [read('ABC1234')]);
		for (let t = 80; t < 400; t += 40) c.update(t, [read('ABC1284')]);
		const [track] = c.update(400, []).active;
		expect(track?.text).toBe('ABC1234');
		expect(track?.confidence).toBe(0); // disputed
	});

	test('agreement lifts weak single frames to a confirmation: 1 − 0.9⁹ ≈ 0.61 ≥ 0.6', () => {
		const c = new PlateConsensus({ minConfidence: 0.6 });
		const weak = (): FrameRead => read('ABC1234', [0.9, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9]);
		for (let t = 0; t < 8; t++) c.update(t * 40, [weak()]);
		expect(c.update(320, []).active[0]?.state).toBe('tentative'); // 1 − 0.9⁸ ≈ 0.57
		expect(c.update(320, [weak()]).confirmed).toHaveLength(1);
	});

	test('a plate the frames disagree on is not confirmed however often it is seen', () => {
		const c = new PlateConsensus({ minConfidence: 0.6 });
		for (let t = 0; t < 10; t++) c.update(t * 40, [read(t % 2 ? 'ABC1234' : 'ABC1Z34', 0.3)]);
		expect(c.update(400, []).active[0]?.state).toBe('tentative');
	});

	test('refuses time going backwards and confidences that do not match the text', () => {
		const c = new PlateConsensus();
		c.update(100, []);
		expect(() => c.update(99, [])).toThrow(RangeError);
		expect(() => c.update(100, [{ text: 'AB', charConfidences: [0.5], box: [0, 0, 1, 1] }])).toThrow(RangeError);
		expect(() => c.update(100, [read('AB', 1.5)])).toThrow(RangeError);
	});

	test('flush ends every track', () => {
		const c = new PlateConsensus();
		c.update(0, [read('ABC1234')]);
		expect(c.flush().map((t) => t.state)).toEqual(['lost']);
		expect(c.update(1, []).active).toEqual([]);
	});
});
