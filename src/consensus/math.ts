/**
 * Pure numeric helpers for Yuma Consensus, re-expressed from subtensor's
 * `pallets/subtensor/src/math.rs` (legacy, spec 185) and `pallets/subtensor/src/epoch/math.rs`
 * (current). Every exported function names the Rust function it mirrors so the two can be read
 * side by side; the semantics (zero-vector rules, tie rules, which entries a sparse operation
 * keeps) are subtensor's, the arithmetic is float64.
 *
 * Number representation
 * ---------------------
 * subtensor computes in `I32F32` (32 fractional bits), whose multiplication and division truncate
 * (substrate_fixed: widened integer product shifted right, widened integer division). Here values
 * are float64 held on the same 2^-32 grid: `fxMul` and `fxDiv` cut every product and quotient
 * like I32F32 does, sums of grid values are exact in float64, `fixedToU16` floors, and
 * `vecU16MaxUpscaleToU16` is computed in exact integers. The truncation is visible in what the
 * chain stores (a normalised row sums to 1 − k·2^-32; a tiny bond term loses relative precision),
 * so it is reproduced rather than approximated.
 *
 * Matrix representation
 * ---------------------
 * Only validators have non-zero weight and bond rows, so a matrix is `rows` validators × `cols`
 * neurons, dense, row-major (`data[i * cols + j]`): every pass streams it in memory order; the
 * stake-weighted median, which needs columns, transposes small tiles. `rowUids[i]` maps a row back
 * to its neuron uid when a mask needs it (diagonal, outdated). Element-wise steps take an optional
 * `out` matrix, which may be the input itself (the epochs reuse buffers; see dense.ts).
 *
 * No DOM, no Node APIs, no I/O: browser, relay and validator share this file.
 */

/** `u16::MAX`: the chain's fixed-point unit for u16 proportions. */
export const U16_MAX = 65535;

/** The smallest positive I32F32 value, 2^-32. */
export const I32F32_DELTA = 2 ** -32;

const TWO_POW_32 = 4294967296;
const TWO_POW_31 = 2147483648;

/** Largest x for which substrate_fixed's `exp` still fits in I32F32 (exp(x) < 2^31). */
const I32F32_EXP_MAX_INPUT = Math.log(TWO_POW_31);

/** Dense `rows × cols` matrix stored row-major: `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A matrix-shaped mask or value array (masks apply to presence flags too). */
export interface MatrixLike {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array | Uint8Array;
}

export function createMatrix(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function cloneMatrix(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

/** Reads row i, column j. */
export function matGet(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j];
}

// ---------------------------------------------------------------------------------------------
// Scalar conversions
// ---------------------------------------------------------------------------------------------

/**
 * `fixed_to_u16`: `x.saturating_to_num::<u16>()`. Fixed-point to integer conversion drops the
 * fractional bits (floor for the non-negative values Yuma produces) and saturates at 0 and 65535.
 */
export function fixedToU16(x: number): number {
  if (!(x > 0)) return 0; // also NaN -> 0
  if (x >= U16_MAX) return U16_MAX;
  return Math.floor(x);
}

/** `fixed_proportion_to_u16`: floor(x · 65535), saturating: what the chain stores for x ∈ [0, 1]. */
export function fixedProportionToU16(x: number): number {
  return fixedToU16(x * U16_MAX);
}

/** `vec_fixed_proportions_to_u16`. */
export function vecFixedProportionsToU16(vec: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(vec.length);
  for (let i = 0; i < vec.length; i++) out[i] = fixedProportionToU16(vec[i]);
  return out;
}

/** `u16_to_fixed`: the raw integer as a fixed-point number (weights and legacy bonds are read so). */
export function u16ToFixed(x: number): number {
  return x;
}

/**
 * `u16_proportion_to_fixed`: x / 65535 as I32F32, i.e. floor(x · 2^32 / 65535) · 2^-32. Since
 * 2^32 / 65535 = 65537 + 1/65535 this is (65537·x + [x = 65535]) · 2^-32, exactly. The cut makes a
 * round trip through `fixed_proportion_to_u16` lose one step (x − 1) for 0 < x < 65535.
 */
export function u16ProportionToFixed(x: number): number {
  return (x * 65537 + +(x === U16_MAX)) / TWO_POW_32;
}

/** `fixed_to_fixed_u16_proportion` (Yuma3 reads stored bonds so): the same cut as above for a u16. */
export function fixedToFixedU16Proportion(x: number): number {
  return Number.isInteger(x) && x >= 0 && x <= U16_MAX ? u16ProportionToFixed(x) : fxDiv(x, U16_MAX);
}

/**
 * Cut to the I32F32 grid: truncation to a multiple of 2^-32 (x ≥ 0), which is what
 * `I32F32::from_num(I64F64)` and substrate_fixed's division (integer division of the shifted bits)
 * do. Applied to the quotients of normalisations, where the cut shows in stored u16 values (a
 * normalised row sums to slightly less than 1; a stake share below 2^-32 becomes 0).
 */
export function truncateToI32F32(x: number): number {
  return Math.floor(x * TWO_POW_32) / TWO_POW_32;
}

/** I32F32 multiplication: the product truncated to the 2^-32 grid (floor, as the shifted bits). */
export function fxMul(a: number, b: number): number {
  return Math.floor(a * b * TWO_POW_32) / TWO_POW_32;
}

/** I32F32 division: the quotient truncated to the 2^-32 grid (0 for a zero divisor, `safe_div`). */
export function fxDiv(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor((a / b) * TWO_POW_32) / TWO_POW_32;
}

/** Round half away from zero, as substrate_fixed's `round()` does (x ≥ 0 here). */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/**
 * `vec_max_upscale_to_u16` (float input): scales so the maximum becomes 65535, rounding half away
 * from zero. Rules: empty → empty; max == 0 → floor(e · 65535) (all zero for proportions);
 * max > 32768 → round(e · (65535 / max)); otherwise round(e · 65535 / max).
 */
export function vecMaxUpscaleToU16(vec: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(vec.length);
  if (vec.length === 0) return out;
  let max = vec[0];
  for (let i = 1; i < vec.length; i++) if (vec[i] > max) max = vec[i];
  if (max === 0) {
    for (let i = 0; i < vec.length; i++) out[i] = fixedToU16(vec[i] * U16_MAX);
    return out;
  }
  if (max > 32768) {
    const scale = U16_MAX / max;
    for (let i = 0; i < vec.length; i++) out[i] = fixedToU16(roundHalfAway(vec[i] * scale));
    return out;
  }
  for (let i = 0; i < vec.length; i++) out[i] = fixedToU16(roundHalfAway((vec[i] * U16_MAX) / max));
  return out;
}

/**
 * `vec_u16_max_upscale_to_u16`: what `set_weights` stores for a row of u16 weights (max becomes
 * 65535). Computed in exact integers so the result is bit-identical to the I32F32 code:
 * - max > 32768: `e * (65535 / max)` where the quotient is truncated to 2^-32, then rounded;
 * - otherwise:   `(e * 65535) / max` rounded (the quotient's fraction is a multiple of 1/max, so
 *   truncating it to 2^-32 cannot move it across a .5 boundary).
 * Idempotent on rows that already have 65535 as their maximum (every stored row).
 */
export function vecU16MaxUpscaleToU16(vec: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(vec.length);
  if (vec.length === 0) return out;
  let max = 0;
  for (let i = 0; i < vec.length; i++) if (vec[i] > max) max = vec[i];
  if (max === 0) return out;
  if (max > 32768) {
    // q = 65535 / max in I32F32 (floor(65535 · 2^32 / max) / 2^32); e · q is exact (e is an integer).
    const q = Math.floor((U16_MAX * TWO_POW_32) / max);
    for (let i = 0; i < vec.length; i++) {
      const scaled = vec[i] * q; // < 2^53, exact
      out[i] = Math.min(U16_MAX, Math.floor((scaled + TWO_POW_31) / TWO_POW_32));
    }
    return out;
  }
  for (let i = 0; i < vec.length; i++) {
    const num = vec[i] * U16_MAX;
    out[i] = Math.min(U16_MAX, Math.floor((2 * num + max) / (2 * max)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Vectors
// ---------------------------------------------------------------------------------------------

/** `sum`. */
export function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** `is_zero`: the vector sums to zero. */
export function isZero(x: ArrayLike<number>): boolean {
  return sum(x) === 0;
}

/** `normalize`: a copy that sums to 1; a zero-sum vector is returned unchanged (not NaN). */
export function normalize(x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x);
  inplaceNormalize(out);
  return out;
}

/**
 * `inplace_normalize`: divide by the sum, each quotient cut to the I32F32 grid as subtensor's
 * fixed-point division truncates; a zero-sum vector is left as it is.
 */
export function inplaceNormalize(x: Float64Array): void {
  const s = sum(x);
  if (s === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = truncateToI32F32(x[i] / s);
}

/** `inplace_normalize_using_sum`: like `inplace_normalize` with a given sum (zero: unchanged). */
export function inplaceNormalizeUsingSum(x: Float64Array, xSum: number): void {
  if (xSum === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = truncateToI32F32(x[i] / xSum);
}

/** `inplace_normalize_64` (I64F64 in subtensor; float64 here). */
export function inplaceNormalize64(x: Float64Array): void {
  inplaceNormalize(x);
}

/** `vecdiv`: x / y element-wise (I32F32), 0 where y == 0. */
export function vecdiv(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fxDiv(x[i], y[i]);
  return out;
}

/** `vec_mul`: element-wise product (I32F32). */
export function vecMul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.min(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = fxMul(a[i], b[i]);
  return out;
}

/** `inplace_mask_vector`: zero the entries where mask is true. */
export function inplaceMaskVector(mask: ArrayLike<boolean | number>, vector: Float64Array): void {
  for (let i = 0; i < vector.length; i++) if (mask[i]) vector[i] = 0;
}

/**
 * Indices 0..n-1 sorted ascending by value, ties kept in index order (Rust's stable
 * `sort_by_key`). Values on the I32F32 grid in [0, 1] (normalised stake) sort as packed keys
 * value · 2^48 + index, exact in float64, with the native numeric sort.
 */
function stableAscendingOrder(vector: ArrayLike<number>): ArrayLike<number> {
  const n = vector.length;
  let packable = n <= 65536;
  for (let i = 0; packable && i < n; i++) {
    const v = vector[i];
    packable = v >= 0 && v <= 1 && Number.isInteger(v * TWO_POW_32);
  }
  if (packable) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = vector[i] * TWO_POW_32 * 65536 + i;
    keys.sort();
    const order = new Int32Array(n);
    for (let t = 0; t < n; t++) order[t] = keys[t] % 65536;
    return order;
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => vector[a] - vector[b] || a - b);
  return idx;
}

/**
 * `is_topk`: true for the k largest values. With n < k everything is true (even zero stake).
 * Tie rule: the stable ascending sort puts equal values in uid order and drops the first n-k, so
 * among equal values the higher uids keep their place.
 */
export function isTopk(vector: ArrayLike<number>, k: number): Uint8Array {
  const n = vector.length;
  const result = new Uint8Array(n).fill(1);
  if (n < k) return result;
  const order = stableAscendingOrder(vector);
  for (let t = 0; t < n - k; t++) result[order[t]] = 0;
  return result;
}

/** `is_topk_nonzero`: like `is_topk`, and a zero value is never in the top k. */
export function isTopkNonzero(vector: ArrayLike<number>, k: number): Uint8Array {
  const n = vector.length;
  const result = new Uint8Array(n);
  for (let i = 0; i < n; i++) result[i] = vector[i] !== 0 ? 1 : 0;
  if (n < k) return result;
  const order = stableAscendingOrder(vector);
  for (let t = 0; t < n - k; t++) result[order[t]] = 0;
  return result;
}

/** `clamp_value`: min(high) then max(low). */
export function clampValue(value: number, low: number, high: number): number {
  return Math.max(Math.min(value, high), low);
}

/** `safe_exp`: exp, or 0 where substrate_fixed's exp fails (result beyond I32F32's range). */
export function safeExp(x: number): number {
  if (x > I32F32_EXP_MAX_INPUT) return 0;
  return Math.exp(x);
}

/**
 * `alpha_sigmoid` (run_epoch.rs, liquid alpha): the per-bond EMA rate. A validator buying into a
 * miner above consensus (weight ≥ bond: diff = weight − consensus) or selling (weight < bond:
 * diff = bond − weight) moves faster the larger the difference:
 * alpha = low + (high − low) / (1 + exp(steepness / −100 · (diff − 0.5))), clamped to [low, high].
 */
export function alphaSigmoid(
  consensus: number,
  weight: number,
  bond: number,
  alphaLow: number,
  alphaHigh: number,
  steepness: number,
): number {
  const diffBuy = clampValue(weight - consensus, 0, 1);
  const diffSell = clampValue(bond - weight, 0, 1);
  const combinedDiff = weight >= bond ? diffBuy : diffSell;
  const sigmoid = 1 / (1 + safeExp((steepness / -100) * (combinedDiff - 0.5)));
  const alpha = alphaLow + sigmoid * (alphaHigh - alphaLow);
  return clampValue(alpha, alphaLow, alphaHigh);
}

// ---------------------------------------------------------------------------------------------
// Stake-weighted median
// ---------------------------------------------------------------------------------------------

/**
 * `weighted_median`: mid-pivot partition search for the score at stake quantile `minority`
 * (= stake_sum − kappa) over `idx[0..count)`. The result is the smallest score v with
 * stake(score < v) ≤ minority < stake(score ≤ v): when exactly `minority` of the stake lies at or
 * below a value, the search moves up to the next value (with kappa = 32767/65535 and a 50/50 stake
 * split between two scores, the higher one wins). Partitions keep index order, as in Rust, so sums
 * accumulate in the same order. `idx`, `scratchA`, `scratchB` are index buffers of at least
 * `count` entries; `idx` is consumed.
 */
export function weightedMedian(
  stake: Float64Array,
  score: Float64Array,
  idx: Int32Array,
  count: number,
  minority: number,
  partitionLo: number,
  partitionHi: number,
  scratchA: Int32Array = new Int32Array(count),
  scratchB: Int32Array = new Int32Array(count),
): number {
  let current = idx;
  let lower = scratchA;
  let upper = scratchB;
  let n = count;
  let lo = partitionLo;
  let hi = partitionHi;
  // Safety limit as in Rust: every iteration strictly shrinks the partition.
  for (let iteration = 0; iteration <= count; iteration++) {
    if (n === 0) return 0;
    if (n === 1) return score[current[0]];
    const pivot = score[current[n >> 1]];
    let loStake = 0;
    let hiStake = 0;
    let nLower = 0;
    let nUpper = 0;
    for (let t = 0; t < n; t++) {
      const k = current[t];
      const s = score[k];
      if (s < pivot) {
        loStake += stake[k];
        lower[nLower++] = k;
      } else if (s > pivot) {
        hiStake += stake[k];
        upper[nUpper++] = k;
      }
    }
    if (minority < lo + loStake && nLower > 0) {
      hi = lo + loStake;
      const freed = current;
      current = lower;
      lower = freed;
      n = nLower;
    } else if (hi - hiStake <= minority && nUpper > 0) {
      lo = hi - hiStake;
      const freed = current;
      current = upper;
      upper = freed;
      n = nUpper;
    } else {
      return pivot;
    }
  }
  return 0;
}

/**
 * The value `weighted_median` returns, found with fewer, branch-predictable passes: the smallest
 * score v with S(≤ v) > minority, where S sums the stakes of scores ≤ v; the largest score when no
 * such v exists (minority ≥ total stake), the smallest when minority < 0. `weighted_median`'s
 * partition search returns exactly this value (its invariants: lo = S(< partition), hi =
 * S(≤ partition); it stops at a pivot p with S(< p) ≤ minority < S(≤ p)), so the two agree
 * whenever the sums are exact — they are here, stakes being cut to the I32F32 grid, where float64
 * addition of values below 2^21 is exact. Tests check the two against each other.
 *
 * Method: bucket the scores linearly between their min and max, accumulate stake per bucket, find
 * the bucket where the cumulative stake crosses `minority`, and resolve inside it (insertion sort
 * when small, the same bucketing recursively otherwise). `x`/`w` hold the m scores and stakes.
 */
export function weightedQuantileAbove(
  x: Float64Array,
  w: Float64Array,
  m: number,
  minority: number,
  offset = 0,
  scratch: WeightedQuantileScratch = createWeightedQuantileScratch(m),
  depth = 0,
): number {
  if (m === 0) return 0;
  let mn = x[0];
  let mx = x[0];
  for (let k = 1; k < m; k++) {
    const v = x[k];
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  if (mn === mx) return mn;
  if (m <= 16 || depth > 8) {
    // Sorting reorders in place: work on copies at the top level (callers keep their arrays).
    const level = scratchLevel(scratch, depth, m);
    level.x.set(x.subarray(0, m));
    level.w.set(w.subarray(0, m));
    return resolveBySorting(level.x, level.w, m, minority, offset);
  }
  const buckets = Math.min(scratch.bucketStake.length, m >> 2);
  const bucketStake = scratch.bucketStake;
  const ids = scratch.ids;
  bucketStake.fill(0, 0, buckets);
  // (slightly under buckets / range so the maximum lands in the last bucket, not past it)
  const scale = (buckets * 0.999999) / (mx - mn);
  for (let k = 0; k < m; k++) {
    const b = ((x[k] - mn) * scale) | 0;
    ids[k] = b;
    bucketStake[b] += w[k];
  }
  let cum = offset;
  let hit = -1;
  for (let b = 0; b < buckets; b++) {
    const next = cum + bucketStake[b];
    if (next > minority) {
      hit = b;
      break;
    }
    cum = next;
  }
  if (hit < 0) return mx;
  // Gather the crossing bucket's entries (one buffer per depth, as the search may recurse).
  const level = scratchLevel(scratch, depth + 1, m);
  const cx = level.x;
  const cw = level.w;
  let count = 0;
  for (let k = 0; k < m; k++) {
    if (ids[k] === hit) {
      cx[count] = x[k];
      cw[count] = w[k];
      count++;
    }
  }
  if (count <= 16) return resolveBySorting(cx, cw, count, minority, cum);
  return weightedQuantileAbove(cx, cw, count, minority, cum, scratch, depth + 1);
}

/** Scratch buffers for `weightedQuantileAbove` (reused across columns). */
export interface WeightedQuantileScratch {
  readonly bucketStake: Float64Array;
  readonly ids: Int32Array;
  readonly levels: { x: Float64Array; w: Float64Array }[];
}

export function createWeightedQuantileScratch(m: number): WeightedQuantileScratch {
  return { bucketStake: new Float64Array(Math.max(4, m >> 2)), ids: new Int32Array(m), levels: [] };
}

function scratchLevel(scratch: WeightedQuantileScratch, depth: number, m: number): { x: Float64Array; w: Float64Array } {
  let level = scratch.levels[depth];
  if (level === undefined || level.x.length < m) {
    level = { x: new Float64Array(m), w: new Float64Array(m) };
    scratch.levels[depth] = level;
  }
  return level;
}

/** Small case: insertion-sort (score, stake) pairs and walk up the cumulative stake. */
function resolveBySorting(x: Float64Array, w: Float64Array, m: number, minority: number, offset: number): number {
  for (let a = 1; a < m; a++) {
    const xv = x[a];
    const wv = w[a];
    let b = a - 1;
    while (b >= 0 && x[b] > xv) {
      x[b + 1] = x[b];
      w[b + 1] = w[b];
      b--;
    }
    x[b + 1] = xv;
    w[b + 1] = wv;
  }
  let cum = offset;
  for (let k = 0; k < m; k++) {
    cum += w[k];
    // S(≤ x[k]) needs every entry equal to x[k]: decide at the last of a run of equal scores.
    if ((k + 1 === m || x[k + 1] !== x[k]) && cum > minority) return x[k];
  }
  return x[m - 1];
}

/** Columns bucketed per sweep in `weightedMedianCol`. */
const MEDIAN_TILE = 64;
/** Buckets per column in `weightedMedianCol`'s first level (bucket ids are bytes). */
const MEDIAN_BUCKETS = 255;
let medianIds = new Uint8Array(0);

/**
 * `weighted_median_col_sparse` / `weighted_median_col`: per column, the stake-weighted median of
 * the weights at majority `kappa`, over the rows with positive stake only (their stakes are
 * re-normalised, here cut to the I32F32 grid like subtensor's; rows without an entry count as
 * weight 0). `stake` is per row. Each column's result is what `weighted_median` returns (see
 * `weightedQuantileAbove`).
 *
 * Layout of the search: the matrix is swept row by row (memory order) MEDIAN_TILE columns at a
 * time; each score drops its row's stake into one of MEDIAN_BUCKETS linear buckets between the
 * column's min and max and leaves its bucket id in a small transposed byte tile. Then, per column,
 * the buckets are scanned to the one where the cumulative stake crosses `minority`, only that
 * bucket's few entries are read back, and they are resolved exactly. `colMin`/`colMax` may be
 * given (bounds over any superset of the rows); otherwise they are computed here.
 */
export function weightedMedianCol(
  stake: ArrayLike<number>,
  score: Matrix,
  majority: number,
  colMin?: Float64Array,
  colMax?: Float64Array,
): Float64Array {
  const { rows, cols, data } = score;
  const median = new Float64Array(cols);
  const useRows: number[] = [];
  for (let i = 0; i < rows; i++) if (stake[i] > 0) useRows.push(i);
  const m = useRows.length;
  if (m === 0) return median;
  const useStake = new Float64Array(m);
  for (let k = 0; k < m; k++) useStake[k] = stake[useRows[k]];
  inplaceNormalize(useStake);
  for (let k = 0; k < m; k++) useStake[k] = truncateToI32F32(useStake[k]);
  const stakeSum = sum(useStake);
  const minority = stakeSum - majority;
  if (colMin === undefined || colMax === undefined) {
    colMin = new Float64Array(cols).fill(Infinity);
    colMax = new Float64Array(cols).fill(-Infinity);
    for (let k = 0; k < m; k++) {
      const base = useRows[k] * cols;
      for (let j = 0; j < cols; j++) {
        const v = data[base + j];
        if (v < colMin[j]) colMin[j] = v;
        if (v > colMax[j]) colMax[j] = v;
      }
    }
  }
  const B = MEDIAN_BUCKETS;
  const stride = m + 1; // odd stride: no cache-set aliasing between the tile's columns
  if (medianIds.length < MEDIAN_TILE * stride) medianIds = new Uint8Array(MEDIAN_TILE * stride);
  const ids = medianIds;
  const bucketStake = new Float64Array(MEDIAN_TILE * B);
  const scale = new Float64Array(MEDIAN_TILE);
  const offset = new Float64Array(MEDIAN_TILE);
  const candX = new Float64Array(m);
  const candW = new Float64Array(m);
  const scratch = createWeightedQuantileScratch(m);
  for (let j0 = 0; j0 < cols; j0 += MEDIAN_TILE) {
    const width = Math.min(MEDIAN_TILE, cols - j0);
    bucketStake.fill(0);
    for (let t = 0; t < width; t++) {
      const range = colMax[j0 + t] - colMin[j0 + t];
      scale[t] = range > 0 ? (B * 0.999999) / range : 0;
      offset[t] = colMin[j0 + t];
    }
    for (let k = 0; k < m; k++) {
      const base = useRows[k] * cols + j0;
      const w = useStake[k];
      let at = k; // t * stride + k
      let bucketBase = 0; // t * B
      for (let t = 0; t < width; t++) {
        const b = ((data[base + t] - offset[t]) * scale[t]) | 0;
        ids[at] = b;
        bucketStake[bucketBase + b] += w;
        at += stride;
        bucketBase += B;
      }
    }
    for (let t = 0; t < width; t++) {
      const j = j0 + t;
      if (!(colMax[j] > colMin[j])) {
        median[j] = colMin[j]; // every score equal
        continue;
      }
      let cum = 0;
      let hit = -1;
      for (let b = 0; b < B; b++) {
        const next = cum + bucketStake[t * B + b];
        if (next > minority) {
          hit = b;
          break;
        }
        cum = next;
      }
      if (hit < 0) {
        // no score reaches past the minority: weighted_median ends at the largest score
        let max = -Infinity;
        for (let k = 0; k < m; k++) if (data[useRows[k] * cols + j] > max) max = data[useRows[k] * cols + j];
        median[j] = max;
        continue;
      }
      let count = 0;
      const off = t * stride;
      for (let k = 0; k < m; k++) {
        if (ids[off + k] === hit) {
          candX[count] = data[useRows[k] * cols + j];
          candW[count] = useStake[k];
          count++;
        }
      }
      median[j] = weightedQuantileAbove(candX, candW, count, minority, cum, scratch, 1);
    }
  }
  return median;
}

// ---------------------------------------------------------------------------------------------
// Matrices (rows = validators, cols = neurons; row-major)
// ---------------------------------------------------------------------------------------------

function outputFor(m: Matrix, out: Matrix | undefined): Matrix {
  if (out === undefined) return createMatrix(m.rows, m.cols);
  if (out.rows !== m.rows || out.cols !== m.cols) throw new Error('matrix shape mismatch');
  return out;
}

/**
 * `inplace_row_normalize` / `inplace_row_normalize_sparse`: rows with a positive sum are divided
 * by it, each quotient cut to the I32F32 grid (so a row's normalised weights sum to 1 − a few
 * 2^-32, as on chain: a validator's trust is then stored as 65534, not 65535).
 */
export function inplaceRowNormalize(m: Matrix): void {
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[base + j];
    if (!(s > 0)) continue;
    for (let j = 0; j < cols; j++) data[base + j] = truncateToI32F32(data[base + j] / s);
  }
}

/** `row_sum` / `row_sum_sparse`. */
export function rowSum(m: Matrix): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[base + j];
    out[i] = s;
  }
  return out;
}

/** `col_sum` / `col_sum_sparse`. */
export function colSum(m: Matrix): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += data[base + j];
  }
  return out;
}

/** `inplace_col_normalize` / `inplace_col_normalize_sparse`: columns with a non-zero sum sum to 1. */
export function inplaceColNormalize(m: Matrix): void {
  const { rows, cols, data } = m;
  const sums = colSum(m);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) if (sums[j] !== 0) data[base + j] = fxDiv(data[base + j], sums[j]);
  }
}

/** `inplace_col_max_upscale` / `inplace_col_max_upscale_sparse`: each column's max becomes 1. */
export function inplaceColMaxUpscale(m: Matrix): void {
  const { rows, cols, data } = m;
  const max = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) if (max[j] < data[base + j]) max[j] = data[base + j];
  }
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) if (max[j] !== 0) data[base + j] = fxDiv(data[base + j], max[j]);
  }
}

/** `inplace_mask_rows` / `mask_rows_sparse`: zero (empty) the rows where mask is true. */
export function inplaceMaskRows(mask: ArrayLike<boolean | number>, m: MatrixLike): void {
  for (let i = 0; i < m.rows; i++) if (mask[i]) m.data.fill(0, i * m.cols, (i + 1) * m.cols);
}

/** `inplace_mask_diag` / `mask_diag_sparse`: no self-weight (row uid == column). */
export function inplaceMaskDiag(m: MatrixLike, rowUids: ArrayLike<number>): void {
  for (let i = 0; i < m.rows; i++) {
    const j = rowUids[i];
    if (j < m.cols) m.data[i * m.cols + j] = 0;
  }
}

/** `inplace_mask_cols`: zero the columns where mask is true. */
export function inplaceMaskCols(mask: ArrayLike<boolean | number>, m: MatrixLike): void {
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) if (mask[j]) data[base + j] = 0;
  }
}

/**
 * `vec_mask_sparse_matrix(m, last_update, block_at_registration, |updated, registered| updated <=
 * registered)` / `inplace_mask_matrix(outdated)`: drop the entries of row i towards neuron j when
 * i last set weights at or before the block j registered (the weight was meant for a previous
 * occupant of uid j).
 */
export function inplaceMaskOutdated(
  m: MatrixLike,
  rowUids: ArrayLike<number>,
  lastUpdate: ArrayLike<number>,
  registeredAt: ArrayLike<number>,
): void {
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) {
    const updated = lastUpdate[rowUids[i]];
    const base = i * cols;
    for (let j = 0; j < cols; j++) if (updated <= registeredAt[j]) data[base + j] = 0;
  }
}

/** `row_hadamard` / `row_hadamard_sparse`: scale row i by vector[i]. */
export function rowHadamard(m: Matrix, vector: ArrayLike<number>, out?: Matrix): Matrix {
  const o = outputFor(m, out);
  const { rows, cols, data } = m;
  const od = o.data;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    const v = vector[i];
    for (let j = 0; j < cols; j++) od[base + j] = fxMul(data[base + j], v);
  }
  return o;
}

/** `matmul` / `matmul_sparse`: result_j = Σ_i vector_i · m_ij (e.g. ranks r_j = Σ_i s_i w_ij). */
export function matmul(m: Matrix, vector: ArrayLike<number>): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const v = vector[i];
    if (v === 0) continue;
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += fxMul(v, data[base + j]);
  }
  return out;
}

/**
 * `matmul_transpose` / `matmul_transpose_sparse` (and Yuma3's `row_sum(mat_vec_mul(m, v))`):
 * result_i = Σ_j m_ij · vector_j (e.g. dividends d_i = Σ_j b_ij · incentive_j).
 */
export function matmulTranspose(m: Matrix, vector: ArrayLike<number>): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += fxMul(vector[j], data[base + j]);
    out[i] = s;
  }
  return out;
}

/**
 * `col_clip_sparse` / `inplace_col_clip`: values above the column threshold (consensus) become the
 * threshold; with a zero threshold the entry is dropped (its value is 0 either way).
 */
export function colClip(m: Matrix, colThreshold: ArrayLike<number>, out?: Matrix): Matrix {
  const o = outputFor(m, out);
  const { rows, cols, data } = m;
  const od = o.data;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      // th < v ? (th > 0 ? th : 0) : v, which for values >= 0 is min(v, th). Written as an exact
      // arithmetic select (v·1 + th·0 or v·0 + th·1) so it compiles without a data-dependent
      // branch: about half the entries of a column lie above its consensus.
      const v = data[base + j];
      const th = colThreshold[j];
      const above = +(th < v);
      od[base + j] = v * (1 - above) + th * above;
    }
  }
  return o;
}

/**
 * `interpolate` / `interpolate_sparse`: a + ratio · (b − a); ratio 0 gives a, ratio 1 gives b.
 * Used for the bonds penalty: weights for bonds between raw and clipped weights.
 */
export function interpolate(a: Matrix, b: Matrix, ratio: number, out?: Matrix): Matrix {
  const o = outputFor(a, out);
  const od = o.data;
  if (ratio === 0) {
    if (od !== a.data) od.set(a.data);
    return o;
  }
  if (ratio === 1) {
    if (od !== b.data) od.set(b.data);
    return o;
  }
  const x = a.data;
  const y = b.data;
  for (let t = 0; t < od.length; t++) {
    const v = x[t] + fxMul(ratio, y[t] - x[t]);
    od[t] = v > 0 ? v : 0; // interpolate_sparse keeps only positive entries
  }
  return o;
}

/**
 * `mat_ema` / `mat_ema_sparse`: alpha · new + (1 − alpha) · old; the sparse version keeps only
 * positive entries (a non-positive result is an absent entry, i.e. 0).
 */
export function matEma(next: Matrix, old: Matrix, alpha: number, out?: Matrix): Matrix {
  const o = outputFor(next, out);
  const od = o.data;
  const x = next.data;
  const y = old.data;
  const oneMinusAlpha = 1 - alpha;
  for (let t = 0; t < od.length; t++) {
    const v = fxMul(alpha, x[t]) + fxMul(oneMinusAlpha, y[t]);
    od[t] = v > 0 ? v : 0;
  }
  return o;
}

/**
 * `mat_ema_alpha_sparse` (liquid alpha): per entry (1 − α_ij) · old_ij + max(0, α_ij · new_ij),
 * capped at 1. The sparse Rust walks only the entries present in the `new` row: a bond towards a
 * miner the validator's weights-for-bonds row has no entry for is dropped, not decayed. `present`
 * marks those entries (1 = present in the sparse `new` row, even with value 0).
 */
export function matEmaAlphaSparse(next: Matrix, present: Uint8Array, old: Matrix, alphas: Matrix, out?: Matrix): Matrix {
  const o = outputFor(next, out);
  const od = o.data;
  const x = next.data;
  const y = old.data;
  const a = alphas.data;
  for (let t = 0; t < od.length; t++) {
    if (!present[t]) {
      od[t] = 0;
      continue;
    }
    const alpha = a[t];
    const decayed = fxMul(1 - alpha, y[t]);
    const inc = Math.max(fxMul(alpha, x[t]), 0);
    const v = Math.min(decayed + inc, 1);
    od[t] = v > 0 ? v : 0;
  }
  return o;
}

/**
 * `mat_ema_alpha` (dense liquid alpha, used by `epoch_dense`): like `matEmaAlphaSparse` but every
 * entry is decayed, present or not.
 */
export function matEmaAlpha(next: Matrix, old: Matrix, alphas: Matrix, out?: Matrix): Matrix {
  const present = new Uint8Array(next.data.length).fill(1);
  return matEmaAlphaSparse(next, present, old, alphas, out);
}
