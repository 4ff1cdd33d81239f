/**
 * Fused passes for the epochs. Each function performs several consecutive steps of subtensor's
 * epoch in one sweep over a validator × neuron matrix (row-major, see math.ts) and lists the Rust
 * statements it covers, with the same order of summation. Tests compare the epochs built from
 * these passes with a literal, unfused port (tests/consensus/reference.ts).
 *
 * Why: at n = 4096 with 256 validators a matrix has a million entries, and the epoch budget is
 * 20 ms on a 2-core machine; each separate pass costs about a millisecond.
 *
 * I32F32 emulation. Every product and quotient is cut to the 2^-32 grid the way substrate_fixed
 * truncates (`floor`), because the chain's bonds show it: a bond term of 1e-6 carries a 2·10^-4
 * relative error once column-normalised, i.e. several u16 steps in what is stored. Sums of grid
 * values are exact in float64 (below 2^21). Products: floor(a · b · 2^32) · 2^-32, wrong by one
 * grid step only when the float product rounds across a grid point (probability about 2^-21).
 * Quotients by a per-row/column divisor multiply by its reciprocal and add a slack of 2^-18 grid
 * steps before the floor, so that exact quotients (x / x = 1, halves, …) land on their grid point
 * despite the reciprocal's rounding; a true quotient within 2^-18 of the next grid point is then
 * off by one step (probability about 4·10^-6). Either way: one 2^-32 step, invisible in u16.
 *
 * Hot loops read only local variables: under tsx an imported binding read per entry costs a getter
 * call.
 */
import { borrowU16Scratch } from './dense.ts';
import type { Matrix } from './math.ts';
import type { SparseRow } from './snapshot.ts';

/** 2^32: one I32F32 unit in grid steps. */
const GRID = 4294967296;
/** 2^-32, exact. */
const UNGRID = 1 / GRID;
/** Added (in grid steps) before flooring a quotient computed with a reciprocal. */
const SLACK = 2 ** -18;

/** Reciprocal of each divisor, 0 where the divisor is 0 (a zero column/row stays zero). */
function reciprocals(divisors: Float64Array): Float64Array {
  const out = new Float64Array(divisors.length);
  for (let j = 0; j < divisors.length; j++) out[j] = divisors[j] !== 0 ? 1 / divisors[j] : 0;
  return out;
}

let proportionTable: Float64Array | undefined;

/** `fixed_to_fixed_u16_proportion(u)` for every u16: floor(u · 2^32 / 65535) · 2^-32 (exact). */
export function u16ProportionTable(): Float64Array {
  if (proportionTable === undefined) {
    proportionTable = new Float64Array(65536);
    for (let u = 0; u <= 65535; u++) proportionTable[u] = Math.floor((u * GRID) / 65535) * UNGRID;
  }
  return proportionTable;
}

/**
 * `get_weights_sparse` / `get_bonds_sparse(_fixed_proportion)` followed by the masks, while the
 * sparse rows are read into the zeroed matrix `m`:
 * - `mask_rows_sparse(&validator_forbids, ..)`: rows whose uid has `include[uid] == 0` stay empty;
 * - `mask_diag_sparse(..)` when `maskDiag`: no entry (i, uid_i);
 * - `vec_mask_sparse_matrix(.., &last_update, &block_at_registration, |updated, registered|
 *   updated <= registered)`: no entry towards a neuron that registered at or after the row's last
 *   weight update.
 * Values: `divisor` 1 keeps the u16 integer (`I32F32::from_num(u16)`), 65535 makes a proportion
 * (`fixed_to_fixed_u16_proportion`, truncated like I32F32). Returns the row sums of the kept
 * u16 integers (exact in float64) divided by `divisor` (only meaningful for `divisor` 1).
 * `present`, when given, marks every kept entry (even with value 0).
 *
 * Rows are copied whole, then the few masked entries are removed: `recent` lists the uids by
 * descending registration block, so a row only visits the neurons registered at or after its
 * last update.
 */
export function loadMaskedRows(
  m: Matrix,
  rows: ReadonlyMap<number, SparseRow>,
  rowUids: Int32Array,
  divisor: 1 | 65535,
  include: Uint8Array | undefined,
  maskDiag: boolean,
  lastUpdate: Float64Array,
  registeredAt: Float64Array,
  recent: Int32Array,
  present?: Uint8Array,
): Float64Array {
  const { cols, data } = m;
  const rowSums = new Float64Array(rowUids.length);
  const proportion = divisor === 1 ? undefined : u16ProportionTable();
  for (let r = 0; r < rowUids.length; r++) {
    const uid = rowUids[r];
    const row = rows.get(uid);
    if (row === undefined || (include !== undefined && include[uid] === 0)) continue;
    const { uids, values } = row;
    const base = r * cols;
    let s0 = 0;
    let s1 = 0;
    const len = uids.length;
    let t = 0;
    for (; t + 1 < len; t += 2) {
      const x0 = values[t];
      const x1 = values[t + 1];
      data[base + uids[t]] = x0;
      data[base + uids[t + 1]] = x1;
      s0 += x0;
      s1 += x1;
    }
    if (t < len) {
      data[base + uids[t]] = values[t];
      s0 += values[t];
    }
    if (present !== undefined) for (let q = 0; q < len; q++) present[base + uids[q]] = 1;
    let s = s0 + s1;
    // Masked entries: neurons registered at or after this row's last update, and the diagonal.
    const updated = lastUpdate[uid];
    for (let q = 0; q < recent.length; q++) {
      const j = recent[q];
      if (registeredAt[j] < updated) break;
      s -= data[base + j];
      data[base + j] = 0;
      if (present !== undefined) present[base + j] = 0;
    }
    if (maskDiag && uid < cols && !(registeredAt[uid] >= updated)) {
      s -= data[base + uid];
      data[base + uid] = 0;
      if (present !== undefined) present[base + uid] = 0;
    }
    if (divisor !== 1) {
      for (let q = 0; q < len; q++) {
        const at = base + uids[q];
        data[at] = proportion![data[at]];
      }
    }
    rowSums[r] = s / divisor;
  }
  return rowSums;
}

/**
 * The uids registered at or after `sinceBlock` (the earliest last update of any row), ordered by
 * descending registration block: all `loadMaskedRows` needs to find the masked entries.
 */
export function byRecentRegistration(registeredAt: Float64Array, sinceBlock: number): Int32Array {
  const candidates: number[] = [];
  for (let j = 0; j < registeredAt.length; j++) if (registeredAt[j] >= sinceBlock) candidates.push(j);
  candidates.sort((a, b) => registeredAt[b] - registeredAt[a] || a - b);
  return Int32Array.from(candidates);
}

/**
 * `inplace_row_normalize_sparse(&mut weights)` then `matmul_sparse(&weights, &active_stake, n)`
 * (the preranks): rows with a positive sum are divided by it (`value / row_sum`), and
 * Σ_i s_i · w_ij accumulates in row order. Returns the preranks.
 */
export function rowNormalizeMatmul(m: Matrix, rowSums: Float64Array, rowStake: Float64Array): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const s = rowSums[i];
    if (!(s > 0)) continue; // an all-zero row stays zero and adds nothing
    const inv = 1 / s;
    const v = rowStake[i];
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const w = Math.floor(data[base + j] * inv * GRID + SLACK) * UNGRID;
      data[base + j] = w;
      out[j] += Math.floor(v * w * GRID) * UNGRID;
    }
  }
  return out;
}

/**
 * `col_clip_sparse(&weights, &consensus)` into `out` (may be `m`), then
 * `row_sum_sparse(&clipped)` (validator trust, per row) and `matmul_sparse(&clipped,
 * &active_stake, n)` (ranks before normalisation; also the column sums of ΔB = W∘S, whose
 * products are the same).
 * The clip is an exact arithmetic select (see `colClip` in math.ts).
 */
export function colClipRowSumMatmul(
  m: Matrix,
  consensus: Float64Array,
  rowStake: Float64Array,
  out: Matrix,
): { rowSums: Float64Array; ranks: Float64Array } {
  const { rows, cols, data } = m;
  const od = out.data;
  const rowSums = new Float64Array(rows);
  const ranks = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    const v = rowStake[i];
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const w = data[base + j];
      const th = consensus[j];
      const above = +(th < w);
      const clipped = w * (1 - above) + th * above;
      od[base + j] = clipped;
      s += clipped;
      ranks[j] += Math.floor(v * clipped * GRID) * UNGRID;
    }
    rowSums[i] = s;
  }
  return { rowSums, ranks };
}

/**
 * Legacy (yuma2) bonds, one sweep: `inplace_col_normalize_sparse(&mut bonds)`,
 * `row_hadamard_sparse(&weights, &active_stake)` with `inplace_col_normalize_sparse(&mut
 * bonds_delta)` (its column sums are the unnormalised ranks, `deltaColSums`), and
 * `mat_ema_sparse(&bonds_delta, &bonds, alpha)` into `bonds`.
 * Returns the column sums of the EMA (for the following `inplace_col_normalize_sparse`).
 */
export function legacyBondsEma(
  clippedWeights: Matrix,
  rowStake: Float64Array,
  deltaColSums: Float64Array,
  bonds: Matrix,
  bondColSums: Float64Array,
  alpha: number,
): Float64Array {
  const { rows, cols } = bonds;
  const w = clippedWeights.data;
  const b = bonds.data;
  const oneMinusAlpha = 1 - alpha;
  const dInv = reciprocals(deltaColSums);
  const bInv = reciprocals(bondColSums);
  const emaColSums = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    const s = rowStake[i];
    for (let j = 0; j < cols; j++) {
      // ΔB_ij = w_ij · s_i, then / Σ_i ΔB_ij; B_ij / Σ_i B_ij
      const delta = Math.floor(w[base + j] * s * GRID) * UNGRID;
      const deltaNorm = Math.floor(delta * dInv[j] * GRID + SLACK) * UNGRID;
      const old = Math.floor(b[base + j] * bInv[j] * GRID + SLACK) * UNGRID;
      // alpha · ΔB + (1 − alpha) · B, each product truncated
      const e = Math.floor(alpha * deltaNorm * GRID) * UNGRID + Math.floor(oneMinusAlpha * old * GRID) * UNGRID;
      const kept = e > 0 ? e : 0; // mat_ema_sparse keeps positive entries only
      b[base + j] = kept;
      emaColSums[j] += kept;
    }
  }
  return emaColSums;
}

/** Column sums (`col_sum_sparse`). */
export function columnSums(m: Matrix): Float64Array {
  const { rows, cols, data } = m;
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += data[base + j];
  }
  return out;
}

/**
 * `inplace_col_normalize_sparse(&mut ema_bonds)` then `matmul_transpose_sparse(&ema_bonds,
 * &incentive)` (dividends per row, before normalisation), also returning each column's maximum
 * of the normalised EMA for `inplace_col_max_upscale_sparse` at storage.
 */
export function colNormalizeMatmulTranspose(
  m: Matrix,
  colSums: Float64Array,
  incentive: Float64Array,
): { rowDots: Float64Array; colMax: Float64Array } {
  const { rows, cols, data } = m;
  const inv = reciprocals(colSums);
  const rowDots = new Float64Array(rows);
  const colMax = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let d = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.floor(data[base + j] * inv[j] * GRID + SLACK) * UNGRID;
      data[base + j] = e;
      d += Math.floor(incentive[j] * e * GRID) * UNGRID;
      const bigger = +(e > colMax[j]);
      colMax[j] = e * bigger + colMax[j] * (1 - bigger);
    }
    rowDots[i] = d;
  }
  return { rowDots, colMax };
}

/**
 * `mat_ema_sparse(&new, &old, alpha)` into `out` (may be `old`), with the column sums of the
 * result (for Yuma3's `inplace_col_normalize_sparse(&mut ema_bonds_norm)`).
 */
export function matEmaColSums(next: Matrix, old: Matrix, alpha: number, out: Matrix): Float64Array {
  const { rows, cols } = next;
  const x = next.data;
  const y = old.data;
  const od = out.data;
  const oneMinusAlpha = 1 - alpha;
  const colSums = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = Math.floor(alpha * x[base + j] * GRID) * UNGRID + Math.floor(oneMinusAlpha * y[base + j] * GRID) * UNGRID;
      const kept = v > 0 ? v : 0;
      od[base + j] = kept;
      colSums[j] += kept;
    }
  }
  return colSums;
}

/**
 * `mat_ema_alpha_sparse(&new, &old, &alphas)` with the alphas of
 * `compute_liquid_alpha_values_sparse` computed on the fly by `alpha` (j, w_ij, b_ij):
 * (1 − α) · old + max(α · new, 0), capped at 1, for the entries present in the sparse new rows
 * (others are dropped), into `out` (may be `old`). Returns the column sums of the result.
 */
export function matEmaAlphaColSums(
  next: Matrix,
  present: Uint8Array,
  old: Matrix,
  alpha: (j: number, w: number, b: number) => number,
  out: Matrix,
): Float64Array {
  const { rows, cols } = next;
  const x = next.data;
  const y = old.data;
  const od = out.data;
  const colSums = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const t = base + j;
      if (!present[t]) {
        od[t] = 0;
        continue;
      }
      const a = alpha(j, x[t], y[t]);
      const decayed = Math.floor((1 - a) * y[t] * GRID) * UNGRID;
      const inc = Math.max(Math.floor(a * x[t] * GRID) * UNGRID, 0);
      const v = Math.min(decayed + inc, 1);
      const kept = v > 0 ? v : 0;
      od[t] = kept;
      colSums[j] += kept;
    }
  }
  return colSums;
}

/**
 * Rows `rowIndexes` of `m` as the sparse u16 rows the chain stores: `fixed_proportion_to_u16(x /
 * colScale_j)` of each positive entry (floor(x · 65535), saturating), keeping the non-zero
 * results. `colScale` is the column maximum for max-upscaled storage
 * (`inplace_col_max_upscale_sparse`), absent otherwise. All rows share two backing buffers.
 */
export function storedRowsU16(m: Matrix, rowIndexes: ArrayLike<number>, colScale?: Float64Array): SparseRow[] {
  const { cols, data } = m;
  const u16Max = 65535;
  const count = rowIndexes.length;
  const quantised = borrowU16Scratch(count * cols);
  const nonZero = new Int32Array(count);
  const inv = new Float64Array(cols).fill(1);
  if (colScale !== undefined) for (let j = 0; j < cols; j++) if (colScale[j] !== 0) inv[j] = 1 / colScale[j];
  const grid = GRID;
  const ungrid = UNGRID;
  const slack = colScale === undefined ? 0 : SLACK;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const base = rowIndexes[k] * cols;
    const out = k * cols;
    let c = 0;
    for (let j = 0; j < cols; j++) {
      const x = data[base + j];
      // x / max_j cut to the grid (x itself when there is no scale), then floor(· 65535)
      const v = (x > 0 ? Math.floor(x * inv[j] * grid + slack) * ungrid : 0) * u16Max;
      const u = v >= u16Max ? u16Max : v | 0; // 0 <= v < 65535: |0 is floor
      quantised[out + j] = u;
      c += +(u !== 0);
    }
    nonZero[k] = c;
    total += c;
  }
  const allUids = new Uint16Array(total);
  const allValues = new Uint16Array(total);
  const result: SparseRow[] = new Array(count);
  let at = 0;
  for (let k = 0; k < count; k++) {
    const start = at;
    const out = k * cols;
    for (let j = 0; j < cols; j++) {
      const u = quantised[out + j];
      if (u !== 0) {
        allUids[at] = j;
        allValues[at] = u;
        at++;
      }
    }
    result[k] = { uids: allUids.subarray(start, at), values: allValues.subarray(start, at) };
  }
  return result;
}

/**
 * Yuma3's `let mut ema_bonds_norm = ema_bonds.clone(); inplace_col_normalize_sparse(&mut
 * ema_bonds_norm, n);` then `row_sum_sparse(&mat_vec_mul_sparse(&ema_bonds_norm, &incentive))`:
 * Σ_j (b_ij / Σ_k b_kj) · incentive_j per row, leaving `m` (the bonds to store) untouched.
 */
export function colNormalizedRowDots(m: Matrix, colSums: Float64Array, incentive: Float64Array): Float64Array {
  const { rows, cols, data } = m;
  const inv = reciprocals(colSums);
  const rowDots = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let d = 0;
    for (let j = 0; j < cols; j++) {
      const normalised = Math.floor(data[base + j] * inv[j] * GRID + SLACK) * UNGRID;
      d += Math.floor(normalised * incentive[j] * GRID) * UNGRID;
    }
    rowDots[i] = d;
  }
  return rowDots;
}
