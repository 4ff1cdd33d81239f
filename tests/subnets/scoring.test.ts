import { describe, expect, it } from 'vitest';
import {
  BATCH_DIM,
  DIGITS_CONTRACT,
  digitsScoreFrom,
  digitsSubnet,
  getSubnet,
  scoreDigits,
  SUBNETS,
  tensorProblem,
  type TensorData,
} from '../../src/subnets/index.ts';

const B = 20;
const labels = Uint8Array.from({ length: B }, (_, i) => (i * 3) % 10);

function probs(fill: (row: number, k: number) => number, batch = B, width = 10): Record<string, TensorData> {
  const data = new Float32Array(batch * width);
  for (let r = 0; r < batch; r++) for (let k = 0; k < width; k++) data[r * width + k] = fill(r, k);
  return { probs: { dtype: 'float32', dims: [batch, width], data } };
}
const oneHot = (r: number, k: number) => (k === labels[r] ? 1 : 0);

describe('digits scoring', () => {
  it('gives 1 to a perfect answer and 0 to uniform, confident-wrong and constant answers', () => {
    expect(scoreDigits(labels, probs(oneHot))).toMatchObject({ ok: true, score: 1 });
    const uniform = scoreDigits(labels, probs(() => 0.1));
    expect(uniform.ok).toBe(true);
    expect(uniform.score).toBe(0);
    expect(uniform.metrics.meanLogLikelihood).toBeCloseTo(Math.log(0.1), 6);
    const wrong = scoreDigits(labels, probs((r, k) => (k === (labels[r] + 1) % 10 ? 1 : 0)));
    expect(wrong).toMatchObject({ ok: true, score: 0 });
    expect(wrong.metrics.meanLogLikelihood).toBeCloseTo(Math.log(1e-6), 6); // clamped, not -Infinity
    const constant = scoreDigits(labels, probs((_, k) => (k === 3 ? 0.91 : 0.01)));
    expect(constant.score).toBe(0);
  });

  it('rewards calibration: a hedged correct answer beats an overconfident half-wrong one', () => {
    const hedged = scoreDigits(labels, probs((r, k) => (k === labels[r] ? 0.55 : 0.05)));
    const overconfident = scoreDigits(labels, probs((r, k) => (r % 2 ? oneHot(r, k) : k === (labels[r] + 1) % 10 ? 1 : 0)));
    expect(hedged.metrics.accuracy).toBe(1);
    expect(hedged.score).toBeGreaterThan(0.5);
    expect(hedged.score).toBeLessThan(1);
    expect(overconfident.score).toBe(0); // 50 % right but ll = mean(0, ln 1e-6) < ln 0.1
  });

  it('maps accuracy and log-likelihood to [0, 1] monotonically', () => {
    expect(digitsScoreFrom(0.1, Math.log(0.1)).score).toBe(0);
    expect(digitsScoreFrom(1, 0).score).toBe(1);
    expect(digitsScoreFrom(0, -20).score).toBe(0);
    let last = -1;
    for (let a = 0.1; a <= 1.0001; a += 0.05) {
      const s = digitsScoreFrom(a, Math.log(0.1) * (1 - a) * 1.1).score;
      expect(s).toBeGreaterThanOrEqual(last);
      expect(s >= 0 && s <= 1).toBe(true);
      last = s;
    }
  });

  const malformed: [string, Record<string, TensorData>, RegExp][] = [
    ['no outputs', {}, /missing output "probs"/],
    ['wrong name', { logits: probs(oneHot).probs }, /missing output "probs"/],
    ['wrong dtype', { probs: { dtype: 'int32', dims: [B, 10], data: new Int32Array(B * 10) } }, /int32, expected float32/],
    ['plain array data', { probs: { dtype: 'float32', dims: [B, 10], data: Array.from({ length: B * 10 }, () => 0.1) as unknown as Float32Array } }, /not a Float32Array/],
    ['too few classes', probs(() => 1 / 9, B, 9), /shape \[20, 9\], expected \[20, 10\]/],
    ['wrong batch', probs(() => 0.1, B + 1), /shape \[21, 10\], expected \[20, 10\]/],
    ['flat shape', { probs: { dtype: 'float32', dims: [B * 10], data: new Float32Array(B * 10).fill(0.1) } }, /shape \[200\]/],
    ['data length', { probs: { dtype: 'float32', dims: [B, 10], data: new Float32Array(B * 10 - 1).fill(0.1) } }, /199 values, expected 200/],
    ['NaN', probs((r, k) => (r === 3 && k === 2 ? NaN : 0.1)), /non-finite value \(NaN\) at flat index 32/],
    ['Infinity', probs((r, k) => (r === 0 && k === 0 ? Infinity : 0.1)), /non-finite/],
    ['negative probability', probs((r, k) => (k === 0 ? -0.1 : k === 1 ? 0.3 : 0.1)), /negative probability/],
    ['logits, not probabilities', probs((r, k) => (k === labels[r] ? 4 : -1)), /probability 4 > 1|sum to/],
    ['rows not summing to 1', probs(() => 0.2), /sum to 2/],
    ['rows summing to 0', probs(() => 0), /sum to 0/],
  ];
  for (const [name, outputs, reason] of malformed) {
    it(`scores a malformed answer 0 with a reason: ${name}`, () => {
      const result = scoreDigits(labels, outputs);
      expect(result.ok).toBe(false);
      expect(result.score).toBe(0);
      expect(result.reason).toMatch(reason);
    });
  }

  it('never throws on junk', () => {
    for (const junk of [null, undefined, 42, 'probs', { probs: null }, { probs: { dtype: 'float32' } }, { probs: { dtype: 'float32', dims: 'x', data: new Float32Array(200) } }]) {
      const result = scoreDigits(labels, junk as unknown as Record<string, TensorData>);
      expect(result).toMatchObject({ ok: false, score: 0 });
      expect(typeof result.reason).toBe('string');
    }
  });

  it('tolerates float32 softmax rounding', () => {
    const result = scoreDigits(labels, probs((r, k) => (k === labels[r] ? 0.9100001 : 0.01)));
    expect(result.ok).toBe(true);
  });
});

describe('digits task spec', () => {
  it('is a compete spec with a batch-free contract', () => {
    expect(digitsSubnet.kind).toBe('compete');
    expect(getSubnet('digits-v1')).toBe(digitsSubnet);
    expect(SUBNETS.map((s) => s.id)).toContain('digits-v1');
    expect(DIGITS_CONTRACT.inputs[0]).toEqual({ name: 'image', dtype: 'float32', shape: [BATCH_DIM, 1, 28, 28] });
    expect(DIGITS_CONTRACT.outputs[0]).toEqual({ name: 'probs', dtype: 'float32', shape: [BATCH_DIM, 10] });
  });

  it('makes challenges whose inputs carry no labels, and scores them', () => {
    const challenge = digitsSubnet.makeChallenge('validator-secret/round-1/miner-7', 12);
    expect(Object.keys(challenge.inputs)).toEqual(['image']);
    expect(challenge.inputs.image.dims).toEqual([12, 1, 28, 28]);
    expect(challenge.inputs.image.data).toBeInstanceOf(Float32Array);
    expect(challenge.secret.labels.length).toBe(12);
    expect(JSON.stringify(Object.keys(challenge.inputs.image))).not.toContain('label');
    const perfect = probs((r, k) => (k === challenge.secret.labels[r] ? 1 : 0), 12);
    expect(digitsSubnet.score(challenge, perfect)).toMatchObject({ ok: true, score: 1 });
    expect(digitsSubnet.makeChallenge('x').batch).toBe(digitsSubnet.batch.default);
  });

  it('refuses batch sizes outside [1, max]', () => {
    expect(() => digitsSubnet.makeChallenge('x', 0)).toThrow(RangeError);
    expect(() => digitsSubnet.makeChallenge('x', digitsSubnet.batch.max + 1)).toThrow(RangeError);
  });
});

describe('contract checks', () => {
  const spec = { name: 'maps', dtype: 'float32' as const, shape: ['batch', 1, 'height', 'width'] };
  const t = (dims: number[]) => ({ dtype: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

  it('binds named dims that are given and leaves the others free', () => {
    expect(tensorProblem(spec, t([2, 1, 32, 48]), { batch: 2 })).toBeNull();
    expect(tensorProblem(spec, t([2, 1, 32, 48]), { batch: 2, height: 32 })).toBeNull();
    expect(tensorProblem(spec, t([2, 1, 32, 48]), { batch: 2, height: 31 })).toMatch(/expected \[2, 1, 31, width\]/);
    expect(tensorProblem(spec, t([3, 1, 32, 48]), { batch: 2 })).toMatch(/shape \[3, 1, 32, 48\]/);
    expect(tensorProblem(spec, t([2, 2, 32, 48]), { batch: 2 })).toMatch(/expected \[2, 1, height, width\]/);
    expect(tensorProblem(spec, { ...t([2, 1, 2, 2]), dims: [2, 1, 2.5, 2] }, { batch: 2 })).toMatch(/shape/);
  });
});
