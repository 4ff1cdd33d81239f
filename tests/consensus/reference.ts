/**
 * A deliberately literal second implementation of both epochs, for cross-checking the fused,
 * dense production code: sparse rows as arrays of [uid, value] pairs, one Rust statement per line,
 * no fusion, no buffers, plain division everywhere with every product and quotient cut to the
 * I32F32 grid as substrate_fixed truncates, and the faithful partition-search `weighted_median`
 * (math.ts `weightedMedian`). Slow; only for small tests.
 */
import { weightedMedian } from '../../src/consensus/math.ts';
import type { Snapshot } from '../../src/consensus/snapshot.ts';

type Row = [number, number][];
type Sparse = Row[];

const U16 = 65535;
const trunc32 = (x: number) => Math.floor(x * 2 ** 32) / 2 ** 32;
/** I32F32 product and quotient: truncated to the 2^-32 grid, computed with plain float ops. */
const mul = (a: number, b: number) => Math.floor(a * b * 2 ** 32) / 2 ** 32;
const div = (a: number, b: number) => (b === 0 ? 0 : Math.floor((a / b) * 2 ** 32) / 2 ** 32);

function sumOf(x: number[]): number {
  return x.reduce((a, b) => a + b, 0);
}
function inplaceNormalize(x: number[]): void {
  const s = sumOf(x);
  if (s === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = trunc32(x[i] / s);
}
function rowsOf(snapshot: Snapshot, which: 'weights' | 'bonds', scale: number): Sparse {
  const out: Sparse = Array.from({ length: snapshot.n }, () => []);
  for (const [uid, row] of snapshot[which]) {
    for (let t = 0; t < row.uids.length; t++) out[uid].push([row.uids[t], div(row.values[t], scale)]);
  }
  return out;
}
function maskRows(mask: boolean[], m: Sparse): Sparse {
  return m.map((row, i) => (mask[i] ? [] : row.slice()));
}
function maskDiag(m: Sparse): Sparse {
  return m.map((row, i) => row.filter(([j]) => j !== i));
}
function maskOutdated(m: Sparse, lastUpdate: Float64Array, registered: Float64Array): Sparse {
  return m.map((row, i) => row.filter(([j]) => !(lastUpdate[i] <= registered[j])));
}
function rowNormalize(m: Sparse): void {
  for (const row of m) {
    const s = sumOf(row.map(([, v]) => v));
    if (s > 0) for (const e of row) e[1] = trunc32(e[1] / s);
  }
}
function colNormalize(m: Sparse, n: number): void {
  const sums = new Array(n).fill(0);
  for (const row of m) for (const [j, v] of row) sums[j] += v;
  for (const row of m) for (const e of row) if (sums[e[0]] !== 0) e[1] = div(e[1], sums[e[0]]);
}
function colMaxUpscale(m: Sparse, n: number): void {
  const max = new Array(n).fill(0);
  for (const row of m) for (const [j, v] of row) if (max[j] < v) max[j] = v;
  for (const row of m) for (const e of row) if (max[e[0]] !== 0) e[1] = div(e[1], max[e[0]]);
}
function matmul(m: Sparse, v: number[], n: number): number[] {
  const out = new Array(n).fill(0);
  m.forEach((row, i) => {
    for (const [j, x] of row) out[j] += mul(v[i], x);
  });
  return out;
}
function matmulT(m: Sparse, v: number[]): number[] {
  return m.map((row) => row.reduce((acc, [j, x]) => acc + mul(v[j], x), 0));
}
function colClip(m: Sparse, th: number[]): Sparse {
  return m.map((row) =>
    row.flatMap(([j, v]): Row => (th[j] < v ? (th[j] > 0 ? [[j, th[j]]] : []) : [[j, v]])),
  );
}
function medianCol(stake: number[], m: Sparse, n: number, majority: number): number[] {
  const useRows = stake.map((s, i) => (s > 0 ? i : -1)).filter((i) => i >= 0);
  const useStake = useRows.map((i) => stake[i]);
  inplaceNormalize(useStake);
  const st = Float64Array.from(useStake, trunc32);
  const stakeSum = sumOf(Array.from(st));
  const minority = stakeSum - majority;
  const out = new Array(n).fill(0);
  if (useRows.length === 0) return out;
  for (let c = 0; c < n; c++) {
    const score = new Float64Array(useRows.length);
    useRows.forEach((i, k) => {
      for (const [j, v] of m[i]) if (j === c) score[k] = v;
    });
    const idx = Int32Array.from(useRows.keys());
    out[c] = weightedMedian(st, score, idx, useRows.length, minority, 0, stakeSum);
  }
  return out;
}
function matEmaSparse(next: Sparse, old: Sparse, alpha: number, n: number): Sparse {
  return next.map((row, i) => {
    const acc = new Array(n).fill(0);
    for (const [j, v] of row) acc[j] += mul(alpha, v);
    for (const [j, v] of old[i]) acc[j] += mul(1 - alpha, v);
    return acc.flatMap((v, j): Row => (v > 0 ? [[j, v]] : []));
  });
}
function isTopk(v: number[], k: number, nonzero: boolean): boolean[] {
  const n = v.length;
  const result = v.map((x) => (nonzero ? x !== 0 : true));
  if (n < k) return result;
  const idx = [...v.keys()].sort((a, b) => v[a] - v[b] || a - b);
  for (const i of idx.slice(0, n - k)) result[i] = false;
  return result;
}

export interface ReferenceResult {
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  trust: number[];
  validatorPermit: boolean[];
  serverEmissionShare: number[];
  validatorEmissionShare: number[];
  bonds: Map<number, Row>;
}

function prologue(s: Snapshot, nonzeroTopk: boolean) {
  const n = s.n;
  const inactive = Array.from(s.lastUpdate, (u) => u + s.params.activityCutoff < s.block);
  const stake = Array.from(s.stake);
  inplaceNormalize(stake);
  for (let i = 0; i < n; i++) stake[i] = trunc32(stake[i]);
  const permits = Array.from(s.validatorPermit, (p) => p === 1);
  const forbids = permits.map((p) => !p);
  const newPermits = isTopk(stake, s.params.maxAllowedValidators, nonzeroTopk);
  const activeStake = stake.map((x, i) => (inactive[i] || forbids[i] ? 0 : x));
  inplaceNormalize(activeStake);
  let weights = rowsOf(s, 'weights', 1);
  weights = maskRows(forbids, weights);
  weights = maskDiag(weights);
  weights = maskOutdated(weights, s.lastUpdate, s.registeredAt);
  rowNormalize(weights);
  const preranks = matmul(weights, activeStake, n);
  const kappa = trunc32(s.params.kappa / U16);
  const consensus = medianCol(activeStake, weights, n, kappa);
  const clipped = colClip(weights, consensus);
  const validatorTrust = clipped.map((row) => sumOf(row.map(([, v]) => v)));
  const ranks = matmul(clipped, activeStake, n);
  const trust = ranks.map((r, j) => div(r, preranks[j]));
  inplaceNormalize(ranks);
  const incentive = ranks.slice();
  return { n, stake, activeStake, permits, newPermits, weights, clipped, consensus, validatorTrust, trust, incentive };
}

function emission(incentive: number[], dividends: number[], stake: number[], activeStake: number[]) {
  const combined = incentive.map((x, i) => x + dividends[i]);
  const total = sumOf(combined);
  let server = incentive.slice();
  let validator = dividends.slice();
  if (total !== 0) {
    server = server.map((x) => trunc32(x / total));
    validator = validator.map((x) => trunc32(x / total));
  } else {
    validator = (sumOf(activeStake) === 0 ? stake : activeStake).slice();
  }
  return { server, validator };
}

const toU16 = (x: number) => (x > 0 ? Math.min(U16, Math.floor(x * U16)) : 0);

/** Literal port of the spec-185 `epoch`. */
export function referenceYuma2(s: Snapshot): ReferenceResult {
  const p = prologue(s, false);
  const { n } = p;
  let bonds = rowsOf(s, 'bonds', 1);
  bonds = maskOutdated(bonds, s.lastUpdate, s.registeredAt);
  colNormalize(bonds, n);
  const delta: Sparse = p.clipped.map((row, i) => row.map(([j, v]): [number, number] => [j, mul(v, p.activeStake[i])]));
  colNormalize(delta, n);
  const alpha = 1 - trunc32(s.params.bondsMovingAverage / 1e6);
  const ema = matEmaSparse(delta, bonds, alpha, n);
  colNormalize(ema, n);
  const dividends = matmulT(ema, p.incentive);
  inplaceNormalize(dividends);
  const { server, validator } = emission(p.incentive, dividends, p.stake, p.activeStake);
  colMaxUpscale(ema, n);
  const stored = new Map<number, Row>();
  for (let i = 0; i < n; i++) {
    const row = ema[i].map(([j, v]): [number, number] => [j, toU16(v)]).filter(([, u]) => u !== 0);
    if (p.newPermits[i]) stored.set(i, row);
    else if (p.permits[i]) stored.set(i, []);
    else if (s.bonds.has(i)) {
      const old = s.bonds.get(i)!;
      stored.set(i, Array.from(old.uids, (j, t): [number, number] => [j, old.values[t]]).filter(([, u]) => u !== 0));
    }
  }
  return {
    consensus: p.consensus,
    incentive: p.incentive,
    dividends,
    validatorTrust: p.validatorTrust,
    trust: p.trust,
    validatorPermit: p.newPermits,
    serverEmissionShare: server,
    validatorEmissionShare: validator,
    bonds: stored,
  };
}

function alphaSigmoid(c: number, w: number, b: number, lo: number, hi: number, steep: number): number {
  const clamp = (x: number, a: number, z: number) => Math.max(Math.min(x, z), a);
  const diff = w >= b ? clamp(w - c, 0, 1) : clamp(b - w, 0, 1);
  const x = (steep / -100) * (diff - 0.5);
  const e = x > Math.log(2 ** 31) ? 0 : Math.exp(x);
  return clamp(lo + (1 / (1 + e)) * (hi - lo), lo, hi);
}

/** Literal port of current subtensor's `epoch_mechanism` with Yuma3 on (deviations as yuma3.ts). */
export function referenceYuma3(s: Snapshot): ReferenceResult {
  const p = prologue(s, true);
  const { n } = p;
  const penalty = trunc32(s.params.bondsPenalty / U16);
  let wb: Sparse;
  if (penalty === 0) wb = p.weights.map((r) => r.map((e): [number, number] => [e[0], e[1]]));
  else if (penalty === 1) wb = p.clipped.map((r) => r.map((e): [number, number] => [e[0], e[1]]));
  else {
    wb = p.weights.map((row, i) => {
      const a = new Array(n).fill(0);
      const b = new Array(n).fill(0);
      for (const [j, v] of row) a[j] = v;
      for (const [j, v] of p.clipped[i]) b[j] = v;
      return a.flatMap((x, j): Row => {
        const v = x + mul(penalty, b[j] - x);
        return v > 0 ? [[j, v]] : [];
      });
    });
  }
  let bonds = rowsOf(s, 'bonds', U16);
  bonds = maskOutdated(bonds, s.lastUpdate, s.registeredAt);
  let ema: Sparse;
  if (s.params.liquidAlphaEnabled && p.consensus.some((c) => c !== 0)) {
    const lo = trunc32(s.params.alphaLow / U16);
    const hi = trunc32(s.params.alphaHigh / U16);
    ema = wb.map((row, i) => {
      const w = new Array(n).fill(0);
      const b = new Array(n).fill(0);
      for (const [j, v] of row) w[j] = v;
      for (const [j, v] of bonds[i]) b[j] = v;
      return row.flatMap(([j, nv]): Row => {
        const a = alphaSigmoid(p.consensus[j], w[j], b[j], lo, hi, s.params.alphaSigmoidSteepness);
        const v = Math.min(mul(1 - a, b[j]) + Math.max(mul(a, nv), 0), 1);
        return v > 0 ? [[j, v]] : [];
      });
    });
  } else {
    const alpha = 1 - trunc32(s.params.bondsMovingAverage / 1e6);
    ema = matEmaSparse(wb, bonds, alpha, n);
  }
  const norm = ema.map((r) => r.map((e): [number, number] => [e[0], e[1]]));
  colNormalize(norm, n);
  const total = norm.map((row) => row.reduce((acc, [j, v]) => acc + mul(v, p.incentive[j]), 0));
  const dividends = total.map((t, i) => mul(t, p.activeStake[i]));
  inplaceNormalize(dividends);
  const { server, validator } = emission(p.incentive, dividends, p.stake, p.activeStake);
  const stored = new Map<number, Row>();
  for (let i = 0; i < n; i++) {
    if (!p.newPermits[i]) continue;
    stored.set(i, ema[i].map(([j, v]): [number, number] => [j, toU16(v)]).filter(([, u]) => u !== 0));
  }
  return {
    consensus: p.consensus,
    incentive: p.incentive,
    dividends,
    validatorTrust: p.validatorTrust,
    trust: p.trust,
    validatorPermit: p.newPermits,
    serverEmissionShare: server,
    validatorEmissionShare: validator,
    bonds: stored,
  };
}
