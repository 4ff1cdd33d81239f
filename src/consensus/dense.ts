/**
 * Plumbing between the snapshot's sparse u16 rows and the epoch's dense validator × neuron
 * matrices (see math.ts, "Matrix representation"). Only rows that can matter get a matrix row:
 * neurons holding a validator permit before or after the epoch, and neurons with stored bonds.
 *
 * Scratch matrices: at n = 4096 with 256 validators one matrix is 8 MiB, and a fresh typed array
 * of that size costs page faults, zeroing and GC pressure on every epoch. `borrowMatrix` /
 * `releaseMatrices` keep a few buffers of the most recent size for reuse; `releaseScratch` drops
 * them. Matrices never escape an epoch (results are copied out), so reuse is invisible to callers.
 */
import type { Matrix } from './math.ts';
import type { SparseRow } from './snapshot.ts';

const MAX_POOLED = 4;
let pooledLength = -1;
let pool: Float64Array[] = [];

/** A rows × cols scratch matrix, zero-filled when `zero` (else its contents are arbitrary). */
export function borrowMatrix(rows: number, cols: number, zero = true): Matrix {
  const length = rows * cols;
  if (length !== pooledLength) {
    pool = [];
    pooledLength = length;
  }
  const recycled = pool.pop();
  if (recycled === undefined) return { rows, cols, data: new Float64Array(length) };
  if (zero) recycled.fill(0);
  return { rows, cols, data: recycled };
}

/** Returns scratch matrices to the pool (they must not be used afterwards). */
export function releaseMatrices(...matrices: Matrix[]): void {
  for (const m of matrices) {
    if (m.data.length === pooledLength && pool.length < MAX_POOLED && !pool.includes(m.data)) pool.push(m.data);
  }
}

let u16Scratch = new Uint16Array(0);
let u8Scratch = new Uint8Array(0);

/** A reusable zero-filled Uint8Array of `length` entries (a view; contents valid until the next call). */
export function borrowU8Scratch(length: number): Uint8Array {
  if (u8Scratch.length < length) u8Scratch = new Uint8Array(length);
  const view = u8Scratch.subarray(0, length);
  view.fill(0);
  return view;
}

/** A reusable Uint16Array of at least `length` entries (contents arbitrary). */
export function borrowU16Scratch(length: number): Uint16Array {
  if (u16Scratch.length < length) u16Scratch = new Uint16Array(length);
  return u16Scratch;
}

/** Drops every pooled scratch buffer. */
export function releaseScratch(): void {
  pool = [];
  pooledLength = -1;
  u16Scratch = new Uint16Array(0);
  u8Scratch = new Uint8Array(0);
}

/** The neurons that get a matrix row, ascending (the order Rust iterates rows in). */
export function selectRows(
  n: number,
  oldPermits: Uint8Array,
  newPermits: Uint8Array,
  bonds: ReadonlyMap<number, SparseRow>,
): Int32Array {
  const take = new Uint8Array(n);
  for (let i = 0; i < n; i++) take[i] = oldPermits[i] | newPermits[i];
  for (const uid of bonds.keys()) take[uid] = 1;
  let count = 0;
  for (let i = 0; i < n; i++) count += take[i];
  const rowUids = new Int32Array(count);
  let r = 0;
  for (let i = 0; i < n; i++) if (take[i]) rowUids[r++] = i;
  return rowUids;
}

/** Gathers a per-neuron vector onto the matrix rows. */
export function gatherRows(vector: ArrayLike<number>, rowUids: Int32Array): Float64Array {
  const out = new Float64Array(rowUids.length);
  for (let r = 0; r < rowUids.length; r++) out[r] = vector[rowUids[r]];
  return out;
}

/** The smallest of `vector` over the matrix rows (Infinity without rows). */
export function minOver(vector: ArrayLike<number>, rowUids: Int32Array): number {
  let min = Infinity;
  for (let r = 0; r < rowUids.length; r++) if (vector[rowUids[r]] < min) min = vector[rowUids[r]];
  return min;
}

/** Scatters a per-row vector back to a per-neuron vector (zero for neurons without a row). */
export function scatterRows(rowVector: ArrayLike<number>, rowUids: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < rowUids.length; r++) out[rowUids[r]] = rowVector[r];
  return out;
}

export const EMPTY_ROW: SparseRow = { uids: new Uint16Array(0), values: new Uint16Array(0) };

/** The same row without its zero entries. */
export function withoutZeros(row: SparseRow): SparseRow {
  let zeros = 0;
  for (let t = 0; t < row.values.length; t++) if (row.values[t] === 0) zeros++;
  if (zeros === 0) return row;
  const keep = Array.from(row.uids.keys()).filter((t) => row.values[t] !== 0);
  return { uids: Uint16Array.from(keep, (t) => row.uids[t]), values: Uint16Array.from(keep, (t) => row.values[t]) };
}
