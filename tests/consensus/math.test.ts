/**
 * math.ts primitives against hand-checked values (several vectors are subtensor's own math.rs
 * test cases, recomputed by hand here).
 */
import { describe, expect, it } from 'vitest';
import {
  alphaSigmoid,
  colClip,
  createMatrix,
  fixedProportionToU16,
  fixedToU16,
  fxDiv,
  fxMul,
  inplaceColMaxUpscale,
  inplaceColNormalize,
  inplaceMaskDiag,
  inplaceMaskOutdated,
  inplaceNormalize,
  inplaceNormalizeUsingSum,
  inplaceRowNormalize,
  interpolate,
  isTopk,
  isTopkNonzero,
  matEma,
  matEmaAlpha,
  matEmaAlphaSparse,
  matmul,
  matmulTranspose,
  normalize,
  rowHadamard,
  safeExp,
  truncateToI32F32,
  u16ProportionToFixed,
  vecdiv,
  vecMaxUpscaleToU16,
  vecU16MaxUpscaleToU16,
  weightedMedian,
  weightedMedianCol,
  weightedQuantileAbove,
  type Matrix,
} from '../../src/consensus/math.ts';
import { mulberry32 } from '../../src/consensus/fixtures.ts';

/** Row-major matrix from nested arrays. */
function mat(rows: number[][]): Matrix {
  const m = createMatrix(rows.length, rows[0]?.length ?? 0);
  rows.forEach((row, i) => row.forEach((v, j) => (m.data[i * m.cols + j] = v)));
  return m;
}
function toRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}
function median(stake: number[], score: number[], minority: number): number {
  const st = Float64Array.from(stake);
  const sc = Float64Array.from(score);
  const idx = Int32Array.from(score.keys());
  return weightedMedian(st, sc, idx, score.length, minority, 0, stake.reduce((a, b) => a + b, 0));
}

describe('u16 conversions', () => {
  it('fixed_proportion_to_u16 floors x · 65535 and saturates', () => {
    expect(fixedProportionToU16(0)).toBe(0);
    expect(fixedProportionToU16(1)).toBe(65535);
    expect(fixedProportionToU16(0.5)).toBe(32767); // 32767.5 → floor, not round
    expect(fixedProportionToU16(4 / 7)).toBe(37448); // 37448.57
    expect(fixedProportionToU16(2 / 7)).toBe(18724);
    expect(fixedProportionToU16(1 / 7)).toBe(9362);
    expect(fixedProportionToU16(1.5)).toBe(65535);
    expect(fixedProportionToU16(-0.1)).toBe(0);
    expect(fixedProportionToU16(Number.NaN)).toBe(0);
    expect(fixedToU16(65534.999)).toBe(65534);
  });

  it('u16_proportion_to_fixed divides by 65535, truncated to I32F32', () => {
    expect(u16ProportionToFixed(65535)).toBe(1);
    expect(u16ProportionToFixed(0)).toBe(0);
    expect(u16ProportionToFixed(32768)).toBeCloseTo(0.50000763, 8);
    for (let u = 0; u <= 65535; u += 97) expect(u16ProportionToFixed(u)).toBe(fxDiv(u, 65535));
    // the cut is visible: a u16 read as a proportion and stored back loses one step
    expect(fixedProportionToU16(u16ProportionToFixed(1))).toBe(0);
    expect(fixedProportionToU16(u16ProportionToFixed(40000))).toBe(39999);
    expect(fixedProportionToU16(u16ProportionToFixed(65535))).toBe(65535);
  });

  it('truncateToI32F32 drops everything below 2^-32 (stake shares that small become 0)', () => {
    expect(truncateToI32F32(1)).toBe(1);
    expect(truncateToI32F32(2 ** -33)).toBe(0);
    expect(truncateToI32F32(2 ** -32)).toBe(2 ** -32);
    expect(truncateToI32F32(1 / 3)).toBeLessThan(1 / 3);
    expect(1 / 3 - truncateToI32F32(1 / 3)).toBeLessThan(2 ** -32);
  });

  it('vec_max_upscale_to_u16 (subtensor test vectors)', () => {
    expect(Array.from(vecMaxUpscaleToU16([]))).toEqual([]);
    expect(Array.from(vecMaxUpscaleToU16([0]))).toEqual([0]);
    expect(Array.from(vecMaxUpscaleToU16([0, 0]))).toEqual([0, 0]);
    expect(Array.from(vecMaxUpscaleToU16([0, 1]))).toEqual([0, 65535]);
    expect(Array.from(vecMaxUpscaleToU16([0, 0.000000001]))).toEqual([0, 65535]);
    expect(Array.from(vecMaxUpscaleToU16([0, 0.000016, 1]))).toEqual([0, 1, 65535]);
    expect(Array.from(vecMaxUpscaleToU16([0.000000001, 0.000000001]))).toEqual([65535, 65535]);
    expect(Array.from(vecMaxUpscaleToU16([0.000001, 0.000006, 0.000007, 0.0001, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4]))).toEqual([
      0, 1, 1, 16, 164, 1638, 16384, 32768, 49151, 65535,
    ]);
    // above 32768 the scale u16::MAX / max is applied first
    expect(Array.from(vecMaxUpscaleToU16([0, 0.5, 1, 1.5, 2, 32768]))).toEqual([0, 1, 2, 3, 4, 65535]);
    expect(Array.from(vecMaxUpscaleToU16([0, 0.5, 1, 1.5, 2, 32768, 32769]))).toEqual([0, 1, 2, 3, 4, 65533, 65535]);
  });

  it('vec_u16_max_upscale_to_u16 (what set_weights stores), bit-exact with I32F32', () => {
    expect(Array.from(vecU16MaxUpscaleToU16([]))).toEqual([]);
    expect(Array.from(vecU16MaxUpscaleToU16([0, 0]))).toEqual([0, 0]);
    expect(Array.from(vecU16MaxUpscaleToU16([1]))).toEqual([65535]);
    expect(Array.from(vecU16MaxUpscaleToU16([0, 1]))).toEqual([0, 65535]);
    expect(Array.from(vecU16MaxUpscaleToU16([65534]))).toEqual([65535]);
    expect(Array.from(vecU16MaxUpscaleToU16([0, 1, 65534]))).toEqual([0, 1, 65535]);
    expect(Array.from(vecU16MaxUpscaleToU16([0, 1, 2, 3, 4, 65533, 65535]))).toEqual([0, 1, 2, 3, 4, 65533, 65535]);
    // max <= 32768: (e · 65535) / max rounded half away from zero: 32767.5 → 32768
    expect(Array.from(vecU16MaxUpscaleToU16([1, 2]))).toEqual([32768, 65535]);
    expect(Array.from(vecU16MaxUpscaleToU16([3, 4]))).toEqual([49151, 65535]); // 49151.25
    // max > 32768: e · trunc32(65535 / max): 20000 · 1.638375 = 32767.5 exactly in reals, but the
    // truncated I32F32 quotient makes it 32767.4999963 → 32767 (float64 alone would say 32768).
    expect(Array.from(vecU16MaxUpscaleToU16([20000, 40000]))).toEqual([32767, 65535]);
    // idempotent on stored rows
    const stored = vecU16MaxUpscaleToU16([123, 4567, 65535, 0]);
    expect(Array.from(vecU16MaxUpscaleToU16(stored))).toEqual(Array.from(stored));
  });
});

describe('normalisation', () => {
  it('inplace_normalize leaves a zero vector as it is (no NaN)', () => {
    const zero = new Float64Array([0, 0, 0]);
    inplaceNormalize(zero);
    expect(Array.from(zero)).toEqual([0, 0, 0]);
    expect(Array.from(normalize([1, 3]))).toEqual([0.25, 0.75]);
    const x = new Float64Array([2, 2]);
    inplaceNormalizeUsingSum(x, 0);
    expect(Array.from(x)).toEqual([2, 2]);
    inplaceNormalizeUsingSum(x, 8);
    expect(Array.from(x)).toEqual([0.25, 0.25]);
  });

  it('a normalised row sums to just under 1, as on chain (validator trust 65534, not 65535)', () => {
    const m = mat([[65535, 32768, 16384]]);
    inplaceRowNormalize(m);
    const total = m.data[0] + m.data[1] + m.data[2];
    expect(total).toBe(1 - 2 * 2 ** -32); // three truncated quotients of 114687ths
    expect(fixedProportionToU16(total)).toBe(65534);
    expect(fixedProportionToU16(m.data[0])).toBe(37448);
  });

  it('row normalisation skips all-zero rows; column normalisation skips all-zero columns', () => {
    const m = mat([
      [1, 3, 0],
      [0, 0, 0],
      [2, 1, 0],
    ]);
    inplaceRowNormalize(m);
    expect(toRows(m)).toEqual([
      [0.25, 0.75, 0],
      [0, 0, 0],
      [truncateToI32F32(2 / 3), truncateToI32F32(1 / 3), 0], // quotients cut to the I32F32 grid
    ]);
    const c = mat([
      [1, 0],
      [3, 0],
    ]);
    inplaceColNormalize(c);
    expect(toRows(c)).toEqual([
      [0.25, 0],
      [0.75, 0],
    ]);
  });

  it('column max-upscale makes each non-zero column peak at exactly 1', () => {
    const m = mat([
      [0.1, 0, 0.3],
      [0.4, 0, 0.3],
    ]);
    inplaceColMaxUpscale(m);
    expect(toRows(m)).toEqual([
      [0.25, 0, 1],
      [1, 0, 1],
    ]);
  });

  it('vecdiv is 0 where the divisor is 0', () => {
    expect(Array.from(vecdiv([1, 2, 3], [2, 0, 3]))).toEqual([0.5, 0, 1]);
  });
});

describe('masks', () => {
  it('mask_diag removes self-weight by row uid', () => {
    const m = mat([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    inplaceMaskDiag(m, [2, 0]); // row 0 is uid 2, row 1 is uid 0
    expect(toRows(m)).toEqual([
      [1, 1, 0],
      [0, 1, 1],
    ]);
  });

  it('outdated mask: weight of i to j is dropped when last_update_i <= registered_j', () => {
    const m = mat([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    // rows are uids 0 and 1; uid 0 last updated at 10, uid 1 at 20
    inplaceMaskOutdated(m, [0, 1], [10, 20, 0], [5, 10, 20]);
    expect(toRows(m)).toEqual([
      [1, 0, 0], // 10 <= 10 and 10 <= 20 → masked
      [1, 1, 0], // 20 <= 20 → masked
    ]);
  });
});

describe('weighted median (weighted_median, exact tie rules)', () => {
  it('picks the smallest score whose cumulative stake exceeds the minority', () => {
    // stakes 0.2 each on scores 1..5; minority 0.5 → cumulative 0.2, 0.4, 0.6 → score 3
    expect(median([0.2, 0.2, 0.2, 0.2, 0.2], [5, 1, 4, 2, 3], 0.5)).toBe(3);
    // minority exactly on a boundary (0.4): S(≤2) = 0.4 is not > 0.4, so the median moves up to 3
    expect(median([0.25, 0.25, 0.25, 0.25], [1, 2, 3, 4].map((x) => x), 0.5)).toBe(3);
    expect(median([0.25, 0.25, 0.25, 0.25], [1, 2, 3, 4], 0.49)).toBe(2);
  });

  it('a 50/50 split at kappa = 32767/65535 goes to the higher weight', () => {
    const kappa = truncateToI32F32(32767 / 65535); // 0.4999924
    expect(median([0.5, 0.5], [0.2, 0.8], 1 - kappa)).toBe(0.8);
    // kappa = 32768/65535 (> 0.5): the lower one
    expect(median([0.5, 0.5], [0.2, 0.8], 1 - truncateToI32F32(32768 / 65535))).toBe(0.2);
  });

  it('minority < 0 gives the minimum, minority >= total stake the maximum', () => {
    expect(median([0.3, 0.3, 0.4], [0.7, 0.1, 0.5], -0.01)).toBe(0.1);
    expect(median([0.3, 0.3, 0.4], [0.7, 0.1, 0.5], 1)).toBe(0.7);
    expect(median([0.5, 0.5], [0.3, 0.3], 0.5)).toBe(0.3);
    expect(median([], [], 0.5)).toBe(0);
  });

  it('the bucketed search returns exactly what weighted_median returns (random, with ties)', () => {
    const rand = mulberry32(99);
    for (let trial = 0; trial < 3000; trial++) {
      const m = 1 + Math.floor(rand() * 300);
      const discrete = rand() < 0.5;
      const stake = Float64Array.from({ length: m }, () => truncateToI32F32(rand() < 0.3 ? 1 / m : rand() / m));
      const score = Float64Array.from({ length: m }, () => (discrete ? [0, 0.25, 0.5, 1][Math.floor(rand() * 4)] : rand() < 0.1 ? 0 : rand()));
      const total = stake.reduce((a, b) => a + b, 0);
      // include minorities that land exactly on cumulative sums
      const cut = Math.floor(rand() * m);
      const minority = rand() < 0.3 ? stake.slice(0, cut).reduce((a, b) => a + b, 0) : rand() * 1.2 * total - 0.1 * total;
      const expected = weightedMedian(stake, score, Int32Array.from(score.keys()), m, minority, 0, total);
      const actual = weightedQuantileAbove(score.slice(), stake.slice(), m, minority);
      if (actual !== expected) throw new Error(`trial ${trial}: ${actual} != ${expected}`);
    }
  });

  it('weighted_median_col uses only positive-stake rows and re-normalises their stake', () => {
    // column 0: rows with stake vote 0.9 (stake 1), 0.1 (stake 3); the zero-stake row votes 1.0
    const w = mat([
      [0.9, 0.5],
      [0.1, 0.5],
      [1.0, 0.0],
    ]);
    const c = weightedMedianCol([1, 3, 0], w, truncateToI32F32(32767 / 65535));
    expect(Array.from(c)).toEqual([0.1, 0.5]);
    expect(Array.from(weightedMedianCol([0, 0, 0], w, 0.5))).toEqual([0, 0]);
  });
});

describe('matrix steps', () => {
  it('col_clip: values above consensus become consensus; zero consensus zeroes the column', () => {
    const w = mat([
      [0.7, 0.3, 0.2],
      [0.4, 0.6, 0.1],
    ]);
    expect(toRows(colClip(w, [0.5, 0.5, 0]))).toEqual([
      [0.5, 0.3, 0],
      [0.4, 0.5, 0],
    ]);
  });

  it('matmul (ranks) and matmul_transpose (dividends) and row_hadamard, products cut to I32F32', () => {
    const w = mat([
      [0.5, 0.5],
      [1, 0],
    ]);
    // 0.8 · 0.5 + 0.2 · 1: the products 0.4 and 0.2 are each truncated to the 2^-32 grid
    const ranks = matmul(w, [0.8, 0.2]);
    expect(ranks[0]).toBe(fxMul(0.8, 0.5) + fxMul(0.2, 1));
    expect(ranks[0]).toBeLessThan(0.6);
    expect(ranks[0]).toBeCloseTo(0.6, 9);
    expect(Array.from(matmulTranspose(w, [0.25, 0.75]))).toEqual([0.5, 0.25]); // exact on the grid
    expect(toRows(rowHadamard(w, [2, 3]))).toEqual([
      [1, 1],
      [3, 0],
    ]);
  });

  it('fxMul / fxDiv truncate like substrate_fixed (floor of the widened integer result)', () => {
    expect(fxMul(0.5, 0.5)).toBe(0.25);
    expect(fxMul(fxDiv(1, 3), 3)).toBe(1 - 2 ** -32); // I32F32(1/3) · 3 = 1 − 2^-32
    expect(fxDiv(1, 3) * 2 ** 32).toBe(Math.floor(2 ** 32 / 3));
    expect(fxDiv(2, 2)).toBe(1);
    expect(fxDiv(5, 0)).toBe(0); // safe_div
  });

  it('mat_ema: alpha · new + (1 − alpha) · old', () => {
    const next = mat([[1, 0]]);
    const old = mat([[0, 1]]);
    const e = matEma(next, old, 0.1);
    expect(e.data[0]).toBeCloseTo(0.1, 9);
    expect(e.data[1]).toBeCloseTo(0.9, 9);
    expect(e.data[0]).toBe(fxMul(0.1, 1));
  });

  it('interpolate: bonds penalty 0 keeps the weights, 1 takes the clipped weights', () => {
    const a = mat([[0.6, 0.4]]);
    const b = mat([[0.5, 0.4]]);
    expect(toRows(interpolate(a, b, 0))).toEqual([[0.6, 0.4]]);
    expect(toRows(interpolate(a, b, 1))).toEqual([[0.5, 0.4]]);
    expect(interpolate(a, b, 0.5).data[0]).toBeCloseTo(0.55, 9);
  });

  it('mat_ema_alpha_sparse drops bonds absent from the new row; the dense version decays them', () => {
    const next = mat([[0.8, 0]]);
    const old = mat([[0.5, 0.5]]);
    const alphas = mat([[0.1, 0.1]]);
    const sparse = matEmaAlphaSparse(next, new Uint8Array([1, 0]), old, alphas);
    expect(sparse.data[0]).toBeCloseTo(0.9 * 0.5 + 0.1 * 0.8, 9);
    expect(sparse.data[1]).toBe(0);
    const dense = matEmaAlpha(next, old, alphas);
    expect(dense.data[1]).toBeCloseTo(0.45, 9);
    // capped at 1
    expect(matEmaAlpha(mat([[1]]), mat([[1]]), mat([[0.5]])).data[0]).toBe(1);
  });
});

describe('top-k permits', () => {
  it('is_topk: ties keep the higher uids; n < k permits everyone, zero stake included', () => {
    expect(Array.from(isTopk([1, 2, 3], 2))).toEqual([0, 1, 1]);
    expect(Array.from(isTopk([5, 5, 5, 1], 2))).toEqual([0, 1, 1, 0]);
    expect(Array.from(isTopk([0, 0, 1], 5))).toEqual([1, 1, 1]);
    expect(Array.from(isTopk([3, 1, 2], 3))).toEqual([1, 1, 1]);
    expect(Array.from(isTopk([3, 1, 2], 0))).toEqual([0, 0, 0]);
  });

  it('same rules for normalised stakes (the packed-key sort path)', () => {
    expect(Array.from(isTopk([0.25, 0.5, 0.25, 0.5 - 2 ** -32], 2))).toEqual([0, 1, 0, 1]);
    expect(Array.from(isTopk([0.5, 0.5, 0.5, 0], 2))).toEqual([0, 1, 1, 0]);
    expect(Array.from(isTopkNonzero([0, 0, 0.5, 0.5], 3))).toEqual([0, 0, 1, 1]);
    const stake = Float64Array.from({ length: 4096 }, (_, i) => truncateToI32F32(((i * 7919) % 4096) / 4096));
    const viaPack = isTopk(stake, 100);
    const viaSort = isTopk(Array.from(stake, (x) => x * 3), 100); // same order, not packable
    expect(Array.from(viaPack)).toEqual(Array.from(viaSort));
  });

  it('is_topk_nonzero never permits zero stake', () => {
    expect(Array.from(isTopkNonzero([0, 0, 1], 5))).toEqual([0, 0, 1]);
    expect(Array.from(isTopkNonzero([0, 2, 2, 1], 2))).toEqual([0, 1, 1, 0]);
    expect(Array.from(isTopkNonzero([0, 0, 0], 2))).toEqual([0, 0, 0]);
  });
});

describe('liquid alpha sigmoid (alpha_sigmoid)', () => {
  const low = 0.7;
  const high = 0.9;
  it('is the midpoint at a 0.5 difference and tends to low/high at the ends', () => {
    // buying (weight >= bond): diff = weight − consensus
    expect(alphaSigmoid(0.2, 0.7, 0.1, low, high, 1000)).toBeCloseTo(0.8, 12);
    const atZero = alphaSigmoid(0.5, 0.5, 0.1, low, high, 1000); // diff 0 → sigmoid(−5)
    expect(atZero).toBeCloseTo(low + (high - low) / (1 + Math.exp(5)), 12);
    const atOne = alphaSigmoid(0, 1, 0, low, high, 1000); // diff 1 → sigmoid(5)
    expect(atOne).toBeCloseTo(low + (high - low) / (1 + Math.exp(-5)), 12);
    // selling (weight < bond): diff = bond − weight
    expect(alphaSigmoid(0.9, 0.1, 0.6, low, high, 1000)).toBeCloseTo(0.8, 12);
  });

  it('negative steepness inverts the curve; overflowing exp (substrate_fixed) saturates at high', () => {
    expect(alphaSigmoid(0.5, 0.5, 0.1, low, high, -1000)).toBeCloseTo(low + (high - low) / (1 + Math.exp(-5)), 12);
    expect(safeExp(30)).toBe(0);
    expect(alphaSigmoid(0.5, 0.5, 0.1, low, high, 32767)).toBe(high); // exp(163.8) fails → 0 → sigmoid 1
  });
});
