/**
 * Seeded, deterministic randomness for challenge generation and training: a seed (string or
 * bytes) is hashed with SHA-256 into the 128-bit state of xoshiro128** (Blackman & Vigna), which
 * uses only 32-bit integer operations, so every JavaScript engine produces the same stream.
 * Pure: no DOM, no Node APIs.
 */
import { sha256, toHex, utf8 } from './sha256.ts';

/** A challenge or training seed: any string, or bytes (e.g. a validator's secret). */
export type Seed = string | Uint8Array;

export function seedBytes(seed: Seed): Uint8Array {
  return typeof seed === 'string' ? utf8(seed) : seed;
}

/**
 * A child seed bound to `parent` and `label` (e.g. a miner's hotkey and the round's nonce):
 * SHA-256(len(parent) | parent | label). Knowing children never reveals the parent.
 */
export function deriveSeed(parent: Seed, label: string): Uint8Array {
  const p = seedBytes(parent);
  const l = utf8(label);
  const buf = new Uint8Array(4 + p.length + l.length);
  new DataView(buf.buffer).setUint32(0, p.length);
  buf.set(p, 4);
  buf.set(l, 4 + p.length);
  return sha256(buf);
}

/** Hex form of a seed, for logs and manifests. */
export function seedHex(seed: Seed): string {
  return toHex(seedBytes(seed));
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: Seed, domain = 'webtensor/rng') {
    const state = sha256(concat(utf8(`${domain}\u0000`), seedBytes(seed)));
    const view = new DataView(state.buffer);
    this.s0 = view.getUint32(0) | 0;
    this.s1 = view.getUint32(4) | 0;
    this.s2 = view.getUint32(8) | 0;
    this.s3 = view.getUint32(12) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^32 (rejection sampling, no modulo bias). */
  int(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Approximately standard normal: sum of four uniforms (Irwin–Hall), variance exactly 1. */
  normal(): number {
    return (this.float() + this.float() + this.float() + this.float() - 2) * 1.7320508075688772;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
