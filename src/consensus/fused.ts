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


/**
 * `get_weights_sparse` followed by the masks, while the sparse rows are read into the zeroed
 * matrix `m`:
 * - `mask_rows_sparse(&validator_forbids, ..)`: rows whose uid has `include[uid] == 0` stay empty;
 * - `mask_diag_sparse(..)` when `maskDiag`: no entry (i, uid_i);
 * - `vec_mask_sparse_matrix(.., &last_update, &block_at_registration, |updated, registered|
 *   updated <= registered)`: no entry towards a neuron that registered at or after the row's last
 *   weight update.
 * Values are the u16 integers (`I32F32::from_num(u16)`). Returns the row sums of the kept values
 * (sums of integers: exact in float64, whatever the order).
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
  include: Uint8Array | undefined,
  maskDiag: boolean,
  lastUpdate: Float64Array,
  registeredAt: Float64Array,
  recent: Int32Array,
  present?: Uint8Array,
): Float64Array {
  const { cols, data } = m;
  const rowSums = new Float64Array(rowUids.length);
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
    rowSums[r] = s;
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
 * Σ_i s_i · w_ij accumulates in row order. Returns the preranks, and each column's min and max
 * over the rows with stake (what `weightedMedianCol` buckets between).
 */
export function rowNormalizeMatmul(
  m: Matrix,
  rowSums: Float64Array,
  rowStake: Float64Array,
): { preranks: Float64Array; colMin: Float64Array; colMax: Float64Array } {
  const { rows, cols, data } = m;
  const out = new Float64Array(cols);
  // column bounds of the normalised weights over the rows with stake (for the median's buckets)
  const colMin = new Float64Array(cols).fill(Infinity);
  const colMax = new Float64Array(cols).fill(-Infinity);
  for (let i = 0; i < rows; i++) {
    const s = rowSums[i];
    const v = rowStake[i];
    const base = i * cols;
    if (s > 0) {
      const inv = 1 / s;
      if (v > 0) {
        for (let j = 0; j < cols; j++) {
          const w = Math.floor(data[base + j] * inv * GRID + SLACK) * UNGRID;
          data[base + j] = w;
          out[j] += Math.floor(v * w * GRID) * UNGRID;
          if (w < colMin[j]) colMin[j] = w;
          if (w > colMax[j]) colMax[j] = w;
        }
      } else {
        for (let j = 0; j < cols; j++) data[base + j] = Math.floor(data[base + j] * inv * GRID + SLACK) * UNGRID;
      }
    } else if (v > 0) {
      // an empty row with stake still votes 0 everywhere
      for (let j = 0; j < cols; j++) {
        if (0 < colMin[j]) colMin[j] = 0;
        if (0 > colMax[j]) colMax[j] = 0;
      }
    }
  }
  return { preranks: out, colMin, colMax };
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

let rowScratch = new Float64Array(0);
let identity = new Uint16Array(0);

/**
 * One stored bond row, dense and float, for a matrix row: the sparse stored row scattered into a
 * zeroed row buffer (`divisor` 1: the u16 integer; 65535: `fixed_to_fixed_u16_proportion`), with
 * the `masked` columns zeroed (`vec_mask_sparse_matrix(outdated)`). Reading a row this way keeps the
 * main loops free of a loop-carried merge pointer. The buffer is reused: valid until the next call.
 */
function denseBondRow(row: SparseRow | undefined, cols: number, divisor: 1 | 65535, masked: number[]): Float64Array {
  if (rowScratch.length < cols) rowScratch = new Float64Array(cols);
  const out = rowScratch;
  if (row !== undefined && row.uids.length === cols) {
    // a dense row (sorted, unique uids < cols): uids[t] = t, no scatter
    const values = row.values;
    if (divisor === 1) out.set(values);
    else {
      for (let j = 0; j < cols; j++) {
        const raw = values[j];
        out[j] = (raw * 65537 + +(raw === 65535)) * UNGRID;
      }
    }
  } else {
    out.fill(0, 0, cols);
  }
  if (row !== undefined && row.uids.length !== cols) {
    const { uids, values } = row;
    if (divisor === 1) {
      for (let t = 0; t < uids.length; t++) out[uids[t]] = values[t];
    } else {
      for (let t = 0; t < uids.length; t++) {
        const raw = values[t];
        out[uids[t]] = (raw * 65537 + +(raw === 65535)) * UNGRID; // see math.ts u16ProportionToFixed
      }
    }
  }
  for (let q = 0; q < masked.length - 1; q++) out[masked[q]] = 0;
  return out;
}

/** `quantised[0..cols)` as a sparse row without its zero entries (dense rows: one copy each). */
function sparseRowFrom(quantised: Uint16Array, cols: number, nonZero: number): SparseRow {
  if (nonZero === cols) {
    if (identity.length < cols) identity = Uint16Array.from({ length: cols }, (_, j) => j);
    return { uids: identity.slice(0, cols), values: quantised.slice(0, cols) };
  }
  const uids = new Uint16Array(nonZero);
  const values = new Uint16Array(nonZero);
  let at = 0;
  for (let j = 0; j < cols && at < nonZero; j++) {
    const u = quantised[j];
    if (u !== 0) {
      uids[at] = j;
      values[at] = u;
      at++;
    }
  }
  return { uids, values };
}

/**
 * The columns masked as outdated for a row whose last weight update was at `updated`: the uids
 * registered at or after it (`recent` is ordered by descending registration), ascending, ending
 * with `cols` as a sentinel. Written into `out`; returns it.
 */
function maskedColumns(recent: Int32Array, registeredAt: Float64Array, updated: number, cols: number, out: number[]): number[] {
  out.length = 0;
  for (let q = 0; q < recent.length; q++) {
    const j = recent[q];
    if (registeredAt[j] < updated) break;
    out.push(j);
  }
  if (out.length > 1) out.sort((a, b) => a - b);
  out.push(cols);
  return out;
}

/**
 * `get_bonds_sparse` + `vec_mask_sparse_matrix(outdated)` + `inplace_col_normalize_sparse` column
 * sums, read straight from the stored rows: Σ_i B_ij over the unmasked entries (u16 integers,
 * exact).
 */
function maskedBondColumnSums(
  bondRows: ReadonlyMap<number, SparseRow>,
  rowUids: Int32Array,
  cols: number,
  lastUpdate: Float64Array,
  registeredAt: Float64Array,
): Float64Array {
  const sums = new Float64Array(cols);
  for (let r = 0; r < rowUids.length; r++) {
    const row = bondRows.get(rowUids[r]);
    if (row === undefined) continue;
    const updated = lastUpdate[rowUids[r]];
    const { uids, values } = row;
    for (let t = 0; t < uids.length; t++) {
      const j = uids[t];
      if (!(updated <= registeredAt[j])) sums[j] += values[t];
    }
  }
  return sums;
}

/**
 * Legacy (yuma2) bonds in one sweep over the rows, reading the stored bond rows directly:
 * `get_bonds_sparse` with `vec_mask_sparse_matrix(.., |updated, registered| updated <=
 * registered)` and `inplace_col_normalize_sparse(&mut bonds)`; `row_hadamard_sparse(&weights,
 * &active_stake)` with `inplace_col_normalize_sparse(&mut bonds_delta)` (its column sums are the
 * unnormalised ranks, `deltaColSums`); and `mat_ema_sparse(&bonds_delta, &bonds, alpha)` into
 * `out`. Returns the EMA's column sums and column maxima (for the normalisation and max-upscale
 * that follow).
 */
export function legacyBondsEma(
  clippedWeights: Matrix,
  rowStake: Float64Array,
  deltaColSums: Float64Array,
  bondRows: ReadonlyMap<number, SparseRow>,
  rowUids: Int32Array,
  lastUpdate: Float64Array,
  registeredAt: Float64Array,
  recent: Int32Array,
  alpha: number,
  out: Matrix,
): { colSums: Float64Array; colMax: Float64Array } {
  const { rows, cols } = out;
  const w = clippedWeights.data;
  const od = out.data;
  const oneMinusAlpha = 1 - alpha;
  const dInv = reciprocals(deltaColSums);
  const bInv = reciprocals(maskedBondColumnSums(bondRows, rowUids, cols, lastUpdate, registeredAt));
  const colSums = new Float64Array(cols);
  const colMax = new Float64Array(cols);
  const masked: number[] = [];
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    const s = rowStake[i];
    maskedColumns(recent, registeredAt, lastUpdate[rowUids[i]], cols, masked);
    const bonds = denseBondRow(bondRows.get(rowUids[i]), cols, 1, masked);
    for (let j = 0; j < cols; j++) {
      const bond = bonds[j];
      // ΔB_ij = w_ij · s_i, / Σ_i ΔB_ij;  B_ij / Σ_i B_ij
      const delta = Math.floor(w[base + j] * s * GRID) * UNGRID;
      const deltaNorm = Math.floor(delta * dInv[j] * GRID + SLACK) * UNGRID;
      const old = Math.floor(bond * bInv[j] * GRID + SLACK) * UNGRID;
      // alpha · ΔB + (1 − alpha) · B, each product truncated; positive entries only
      const e = Math.floor(alpha * deltaNorm * GRID) * UNGRID + Math.floor(oneMinusAlpha * old * GRID) * UNGRID;
      const kept = e > 0 ? e : 0;
      od[base + j] = kept;
      colSums[j] += kept;
      if (kept > colMax[j]) colMax[j] = kept; // rarely taken: predictable
    }
  }
  return { colSums, colMax };
}

/**
 * Legacy (yuma2), after the EMA: `inplace_col_normalize_sparse(&mut ema_bonds)`,
 * `matmul_transpose_sparse(&ema_bonds, &incentive)` (dividends per row, before normalisation),
 * and for the rows flagged in `store` the stored bonds: `inplace_col_max_upscale_sparse` then
 * `fixed_proportion_to_u16`. The column maximum of the normalised EMA is the normalised column
 * maximum (the truncated scaling is monotone), so the storage needs no extra pass.
 */
export function legacyDividendsAndStorage(
  ema: Matrix,
  colSums: Float64Array,
  colMaxEma: Float64Array,
  incentive: Float64Array,
  store: Uint8Array,
): { rowDots: Float64Array; stored: (SparseRow | undefined)[] } {
  const { rows, cols, data } = ema;
  const inv = reciprocals(colSums);
  const maxInv = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const max = Math.floor(colMaxEma[j] * inv[j] * GRID + SLACK) * UNGRID;
    maxInv[j] = max > 0 ? 1 / max : 0;
  }
  const rowDots = new Float64Array(rows);
  const stored: (SparseRow | undefined)[] = new Array(rows);
  const quantised = borrowU16Scratch(cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let d = 0;
    if (store[i]) {
      let c = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.floor(data[base + j] * inv[j] * GRID + SLACK) * UNGRID;
        d += Math.floor(incentive[j] * e * GRID) * UNGRID;
        const upscaled = Math.floor(e * maxInv[j] * GRID + SLACK) * UNGRID;
        const v = upscaled * 65535; // on the grid: exact
        const u = v >= 65535 ? 65535 : v | 0;
        quantised[j] = u;
        c += +(u !== 0);
      }
      stored[i] = sparseRowFrom(quantised, cols, c);
    } else {
      for (let j = 0; j < cols; j++) {
        const e = Math.floor(data[base + j] * inv[j] * GRID + SLACK) * UNGRID;
        d += Math.floor(incentive[j] * e * GRID) * UNGRID;
      }
    }
    rowDots[i] = d;
  }
  return { rowDots, stored };
}

/**
 * Yuma3 bonds in one sweep over the rows, reading the stored bond rows directly:
 * `get_bonds_sparse_fixed_proportion` with the outdated mask, then `compute_bonds_sparse`: with
 * `alpha` a number, `mat_ema_sparse(&weights_for_bonds, &bonds, alpha)`; with `alpha` a function
 * (liquid alpha, `alpha_sigmoid` per entry), `mat_ema_alpha_sparse`, where only the entries
 * `present` in the sparse weights-for-bonds rows are kept. The EMA goes to `out`; for the rows
 * flagged in `store`, the stored bonds `fixed_proportion_to_u16(ema)` are returned too, with the
 * EMA's column sums (for the dividends' `inplace_col_normalize_sparse`).
 */
export function yuma3BondsEma(
  weightsForBonds: Matrix,
  bondRows: ReadonlyMap<number, SparseRow>,
  rowUids: Int32Array,
  lastUpdate: Float64Array,
  registeredAt: Float64Array,
  recent: Int32Array,
  alpha: number | ((j: number, w: number, b: number) => number),
  present: Uint8Array | undefined,
  store: Uint8Array,
  out: Matrix,
): { colSums: Float64Array; stored: (SparseRow | undefined)[] } {
  const { rows, cols } = out;
  const x = weightsForBonds.data;
  const od = out.data;
  const colSums = new Float64Array(cols);
  const stored: (SparseRow | undefined)[] = new Array(rows);
  const quantised = borrowU16Scratch(cols);
  const masked: number[] = [];
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    maskedColumns(recent, registeredAt, lastUpdate[rowUids[i]], cols, masked);
    const bonds = denseBondRow(bondRows.get(rowUids[i]), cols, 65535, masked);
    if (typeof alpha === 'number') {
      // mat_ema_sparse: alpha · new + (1 − alpha) · old, each product truncated
      const oneMinusAlpha = 1 - alpha;
      for (let j = 0; j < cols; j++) {
        const v = Math.floor(alpha * x[base + j] * GRID) * UNGRID + Math.floor(oneMinusAlpha * bonds[j] * GRID) * UNGRID;
        const kept = v > 0 ? v : 0;
        od[base + j] = kept;
        colSums[j] += kept;
      }
    } else {
      // mat_ema_alpha_sparse: entries absent from the sparse new row are dropped
      if (present === undefined) throw new Error('yuma3BondsEma: liquid alpha needs the weight presence mask');
      for (let j = 0; j < cols; j++) {
        const t = base + j;
        let kept = 0;
        if (present[t]) {
          const w = x[t];
          const bond = bonds[j];
          const a = alpha(j, w, bond);
          const decayed = Math.floor((1 - a) * bond * GRID) * UNGRID;
          const inc = Math.max(Math.floor(a * w * GRID) * UNGRID, 0);
          const v = Math.min(decayed + inc, 1);
          kept = v > 0 ? v : 0;
        }
        od[t] = kept;
        colSums[j] += kept;
      }
    }
    if (store[i]) {
      // fixed_proportion_to_u16 of the row (on the grid: the product by 65535 is exact)
      let c = 0;
      for (let j = 0; j < cols; j++) {
        const v = od[base + j] * 65535;
        const u = v >= 65535 ? 65535 : v | 0;
        quantised[j] = u;
        c += +(u !== 0);
      }
      stored[i] = sparseRowFrom(quantised, cols, c);
    }
  }
  return { colSums, stored };
}

/**
 * Yuma3's `let mut ema_bonds_norm = ema_bonds.clone(); inplace_col_normalize_sparse(&mut
 * ema_bonds_norm, n);` then `row_sum_sparse(&mat_vec_mul_sparse(&ema_bonds_norm, &incentive))`:
 * Σ_j (b_ij / Σ_k b_kj) · incentive_j per row, leaving `m` (the EMA) untouched.
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
