import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dcos, dexp, dsin } from '../../src/subnets/detmath.ts';
import { generateDigits, IMAGE_SIZE, NUM_CLASSES, PIXELS } from '../../src/subnets/digits/generator.ts';
import { deriveSeed, Rng } from '../../src/subnets/rng.ts';
import { sha256Hex } from '../../src/subnets/sha256.ts';

const bytesOf = (a: Float32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const hashBatch = (b: { inputs: Float32Array; labels: Uint8Array }) => sha256Hex(new Uint8Array([...bytesOf(b.labels), ...bytesOf(b.inputs)]));

describe('sha256', () => {
  it('matches node:crypto on every padding boundary and a large input', () => {
    for (let n = 0; n <= 200; n++) {
      const data = randomBytes(n);
      expect(sha256Hex(data)).toBe(createHash('sha256').update(data).digest('hex'));
    }
    const big = randomBytes(1 << 20);
    expect(sha256Hex(big)).toBe(createHash('sha256').update(big).digest('hex'));
  });
});

describe('deterministic math', () => {
  it('agrees with Math to ~1e-15 over the ranges used', () => {
    for (let i = -2000; i <= 2000; i++) {
      const x = i * 0.00731;
      expect(Math.abs(dsin(x) - Math.sin(x))).toBeLessThan(1e-15);
      expect(Math.abs(dcos(x) - Math.cos(x))).toBeLessThan(1e-15);
      const e = i * 0.05;
      expect(Math.abs(dexp(e) - Math.exp(e)) / Math.exp(e)).toBeLessThan(4e-16);
    }
    expect(dexp(-800)).toBe(0);
    expect(dexp(800)).toBe(Infinity);
    expect(dexp(0)).toBe(1);
  });
});

describe('rng', () => {
  it('is seeded: the same seed gives the same stream, string or bytes alike', () => {
    const a = new Rng('seed'), b = new Rng(new TextEncoder().encode('seed')), c = new Rng('seeD');
    const sa = Array.from({ length: 50 }, () => a.nextU32());
    expect(Array.from({ length: 50 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.nextU32())).not.toEqual(sa);
  });

  it('draws in range with plausible moments', () => {
    const r = new Rng('moments');
    let sum = 0, sq = 0, nsum = 0, nsq = 0;
    const n = 100_000;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const u = r.float();
      if (!(u >= 0 && u < 1)) bad++;
      sum += u; sq += u * u;
      const g = r.normal();
      nsum += g; nsq += g * g;
      const k = r.int(7);
      if (!(Number.isInteger(k) && k >= 0 && k < 7)) bad++;
    }
    expect(bad).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - 1 / 3)).toBeLessThan(0.005);
    expect(Math.abs(nsum / n)).toBeLessThan(0.02);
    expect(Math.abs(nsq / n - 1)).toBeLessThan(0.02);
  });

  it('derives independent child seeds', () => {
    const parent = new Uint8Array(32).fill(7);
    expect(sha256Hex(deriveSeed(parent, 'miner-a/1'))).not.toBe(sha256Hex(deriveSeed(parent, 'miner-a/2')));
    expect(sha256Hex(deriveSeed(parent, 'x'))).toBe(sha256Hex(deriveSeed(parent, 'x')));
    // Length-prefixed: ("ab", "c") and ("a", "bc") differ.
    expect(sha256Hex(deriveSeed('ab', 'c'))).not.toBe(sha256Hex(deriveSeed('a', 'bc')));
  });
});

describe('digit generator', () => {
  it('is deterministic: the same seed gives the same bytes, different seeds differ', () => {
    const a = generateDigits('determinism', 64);
    const b = generateDigits('determinism', 64);
    const c = generateDigits('determinism!', 64);
    expect(bytesOf(a.inputs)).toEqual(bytesOf(b.inputs));
    expect(a.labels).toEqual(b.labels);
    expect(hashBatch(a)).not.toBe(hashBatch(c));
    // No two images in a batch are the same, nor the same index across seeds.
    const hashes = new Set<string>();
    for (let i = 0; i < 64; i++) {
      hashes.add(sha256Hex(bytesOf(a.inputs.subarray(i * PIXELS, (i + 1) * PIXELS))));
      hashes.add(sha256Hex(bytesOf(c.inputs.subarray(i * PIXELS, (i + 1) * PIXELS))));
    }
    expect(hashes.size).toBe(128);
  });

  it('accepts byte seeds and makes a batch a prefix of a larger one', () => {
    const secret = new Uint8Array(32).map((_, i) => i * 7);
    const small = generateDigits(secret, 10);
    const large = generateDigits(secret, 30);
    expect(bytesOf(large.inputs.subarray(0, 10 * PIXELS))).toEqual(bytesOf(small.inputs));
    expect(large.labels.subarray(0, 10)).toEqual(small.labels);
  });

  it('reproduces pinned golden bytes (changing the generator invalidates the models and the manifest)', () => {
    // If this fails on purpose, bump the generator version ('webtensor/digits/v1'), the subnet id
    // and rebuild the models with scripts/make-models.ts.
    expect(hashBatch(generateDigits('webtensor/digits/golden', 32))).toBe(GOLDEN);
  });

  it('makes images in [0, 1] with ink, NCHW-sized, and balanced labels', () => {
    const n = 5000;
    const { inputs, labels } = generateDigits('sanity', n);
    expect(inputs.length).toBe(n * IMAGE_SIZE * IMAGE_SIZE);
    expect(labels.length).toBe(n);
    const counts = new Array<number>(NUM_CLASSES).fill(0);
    let outOfRange = 0, faint = 0, filled = 0;
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      let max = 0, sum = 0;
      for (let p = 0; p < PIXELS; p++) {
        const v = inputs[i * PIXELS + p];
        if (!(v >= 0 && v <= 1)) outOfRange++;
        if (v > max) max = v;
        sum += v;
      }
      if (max < 0.4) faint++; // no visible stroke
      if (sum / PIXELS > 0.6) filled++; // a filled square, not a digit
    }
    expect({ outOfRange, faint, filled }).toEqual({ outOfRange: 0, faint: 0, filled: 0 });
    // Uniform labels: each class 500 ± 4.5 sigma (sigma ~ 21).
    for (const c of counts) expect(Math.abs(c - n / NUM_CLASSES)).toBeLessThan(95);
    // Ink is spread over the frame, borders mostly background.
    let border = 0, centre = 0;
    for (let i = 0; i < n; i++) {
      border += inputs[i * PIXELS + 0] + inputs[i * PIXELS + PIXELS - 1];
      centre += inputs[i * PIXELS + 14 * IMAGE_SIZE + 14];
    }
    expect(border / (2 * n)).toBeLessThan(0.1);
    expect(centre / n).toBeGreaterThan(border / (2 * n));
  });

  it('rejects a bad batch size', () => {
    expect(() => generateDigits('x', -1)).toThrow(RangeError);
    expect(() => generateDigits('x', 1.5)).toThrow(RangeError);
    expect(generateDigits('x', 0).inputs.length).toBe(0);
  });
});

const GOLDEN = 'c2c7f13dccec64dcfd7c53af555aabe4bf0f31a939fadfbd5b9201cde2fe9cf5';
