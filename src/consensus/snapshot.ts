/**
 * The metagraph snapshot contract: what one Yuma epoch reads (`parseSnapshot`) and what it
 * produces (`epochResultToJson`). The JSON shapes are documented in README.md ("Yuma CLI") and in
 * ../shared/DESIGN.md; they are a contract other tooling depends on.
 *
 * Input decisions (documented here because the contract leaves them open):
 * - `variant`, `block` and `neurons` are required; `params`, `weights`, `bonds` are optional.
 * - `neurons` must list uids 0..n-1 in order (no sorting, no gaps); every neuron field is required.
 * - Missing params take subtensor's defaults for the chosen variant (`DEFAULT_PARAMS`).
 * - A weight row is stored the way `set_weights` stores it: max-upscaled so its largest entry is
 *   65535 (`vec_u16_max_upscale_to_u16`; a no-op on rows read from the chain). Bond rows are taken
 *   as stored. Rows are sorted by uid; a uid may appear once per row.
 * - Unknown fields at any level are an error. Every error is a `SnapshotError` whose message is
 *   one line naming the field path.
 */
import type { EpochResult } from './epoch.ts';
import { vecU16MaxUpscaleToU16 } from './math.ts';

export type Variant = 'yuma2' | 'yuma3';

/** Subnet hyperparameters in the chain's units. */
export interface EpochParams {
  /** Consensus majority, u16 fixed-point (32767 ≈ 0.5). */
  kappa: number;
  /** Bonds EMA memory in parts per million (900000 = 0.9, i.e. alpha = 0.1). */
  bondsMovingAverage: number;
  /** Yuma3: how much the bonds follow clipped rather than raw weights, u16 fixed-point. */
  bondsPenalty: number;
  /** Yuma3: per-bond EMA rate between alphaLow and alphaHigh instead of the fixed moving average. */
  liquidAlphaEnabled: boolean;
  /** Yuma3 liquid alpha bounds, u16 fixed-point. */
  alphaLow: number;
  alphaHigh: number;
  /** Yuma3 liquid alpha sigmoid steepness (i16 on chain). */
  alphaSigmoidSteepness: number;
  /** Blocks after the last weight update during which a neuron counts as active. */
  activityCutoff: number;
  /** Validator permits go to the top-k stake. */
  maxAllowedValidators: number;
}

/**
 * subtensor's defaults, per variant.
 * - yuma3: current subtensor runtime constants (`SubtensorInitialKappa` 32767,
 *   `SubtensorInitialBondsMovingAverage` 900000, `SubtensorInitialBondsPenalty` u16::MAX,
 *   `DefaultLiquidAlpha` false, `DefaultAlphaValues` (45875, 58982),
 *   `SubtensorInitialAlphaSigmoidSteepness` 1000, `SubtensorInitialActivityCutoff` 5000,
 *   `SubtensorInitialMaxAllowedValidators` 128).
 * - yuma2: the spec-185 runtime's constants for the parameters its epoch reads (kappa 32767,
 *   bonds moving average 900000, activity cutoff 5000, max allowed validators 128). That runtime
 *   has no bonds penalty and no liquid alpha: those parameters are accepted and ignored.
 */
export const DEFAULT_PARAMS: Readonly<Record<Variant, Readonly<EpochParams>>> = {
  yuma3: {
    kappa: 32767,
    bondsMovingAverage: 900_000,
    bondsPenalty: 65535,
    liquidAlphaEnabled: false,
    alphaLow: 45875,
    alphaHigh: 58982,
    alphaSigmoidSteepness: 1000,
    activityCutoff: 5000,
    maxAllowedValidators: 128,
  },
  yuma2: {
    kappa: 32767,
    bondsMovingAverage: 900_000,
    bondsPenalty: 0,
    liquidAlphaEnabled: false,
    alphaLow: 45875,
    alphaHigh: 58982,
    alphaSigmoidSteepness: 1000,
    activityCutoff: 5000,
    maxAllowedValidators: 128,
  },
};

/** One sparse u16 row (weights or bonds): parallel arrays, sorted by uid, uids unique (uids < 65535). */
export interface SparseRow {
  readonly uids: Uint16Array;
  readonly values: Uint16Array;
}

/** A validated snapshot, in columns ready for the epoch. */
export interface Snapshot {
  readonly variant: Variant;
  readonly block: number;
  readonly params: Readonly<EpochParams>;
  /** Number of neurons (uids 0..n-1). */
  readonly n: number;
  readonly stake: Float64Array;
  readonly lastUpdate: Float64Array;
  readonly registeredAt: Float64Array;
  /** The permits held before this epoch (1/0). */
  readonly validatorPermit: Uint8Array;
  /** Row uid → weights as stored on chain (max-upscaled u16). */
  readonly weights: ReadonlyMap<number, SparseRow>;
  /** Row uid → bonds stored at the previous epoch (u16). */
  readonly bonds: ReadonlyMap<number, SparseRow>;
}

/** One-line validation error naming the offending field path. */
export class SnapshotError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'SnapshotError';
    this.path = path;
  }
}

/** The CLI's JSON output. */
export interface EpochResultJson {
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  bonds: Record<string, [number, number][]>;
  validatorPermit: boolean[];
  serverEmissionShare: number[];
  validatorEmissionShare: number[];
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** Most neurons a subnet can hold (uids are u16). */
const MAX_NEURONS = 65535;

const TOP_FIELDS = ['variant', 'block', 'params', 'neurons', 'weights', 'bonds'] as const;
const NEURON_FIELDS = ['uid', 'stake', 'lastUpdate', 'registeredAt', 'validatorPermit'] as const;
const PARAM_FIELDS = Object.keys(DEFAULT_PARAMS.yuma3) as (keyof EpochParams)[];

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = text.replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new SnapshotError(path, `expected an object, got ${describe(value)}`);
  return value;
}

function rejectUnknown(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new SnapshotError(path, `unknown field ${JSON.stringify(key)}`);
  }
}

function expectInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new SnapshotError(path, `expected an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new SnapshotError(path, `expected true or false, got ${describe(value)}`);
  return value;
}

function parseParams(raw: unknown, variant: Variant): EpochParams {
  const params: EpochParams = { ...DEFAULT_PARAMS[variant] };
  if (raw === undefined) return params;
  const obj = expectObject(raw, 'params');
  rejectUnknown(obj, PARAM_FIELDS, 'params');
  const u16 = (key: 'kappa' | 'bondsPenalty' | 'alphaLow' | 'alphaHigh' | 'activityCutoff' | 'maxAllowedValidators') => {
    if (obj[key] !== undefined) params[key] = expectInteger(obj[key], `params.${key}`, 0, 65535);
  };
  u16('kappa');
  u16('bondsPenalty');
  u16('alphaLow');
  u16('alphaHigh');
  u16('activityCutoff');
  u16('maxAllowedValidators');
  if (obj.bondsMovingAverage !== undefined) {
    params.bondsMovingAverage = expectInteger(obj.bondsMovingAverage, 'params.bondsMovingAverage', 0, 1_000_000);
  }
  if (obj.alphaSigmoidSteepness !== undefined) {
    params.alphaSigmoidSteepness = expectInteger(obj.alphaSigmoidSteepness, 'params.alphaSigmoidSteepness', -32768, 32767);
  }
  if (obj.liquidAlphaEnabled !== undefined) {
    params.liquidAlphaEnabled = expectBoolean(obj.liquidAlphaEnabled, 'params.liquidAlphaEnabled');
  }
  if (params.alphaLow > params.alphaHigh) {
    throw new SnapshotError(
      obj.alphaLow !== undefined ? 'params.alphaLow' : 'params.alphaHigh',
      `alphaLow (${params.alphaLow}) must not exceed alphaHigh (${params.alphaHigh})`,
    );
  }
  return params;
}

/** Parses `{"<uid>": [[j, u16], ...]}` into sorted typed rows, validating every entry. */
function parseRows(raw: unknown, field: 'weights' | 'bonds', n: number): Map<number, SparseRow> {
  const rows = new Map<number, SparseRow>();
  if (raw === undefined) return rows;
  const obj = expectObject(raw, field);
  for (const key of Object.keys(obj)) {
    const rowPath = `${field}[${JSON.stringify(key)}]`;
    if (!/^(0|[1-9][0-9]*)$/.test(key)) throw new SnapshotError(rowPath, 'expected a uid (decimal integer) as key');
    const uid = Number(key);
    if (uid >= n) throw new SnapshotError(rowPath, `uid ${uid} is not a neuron`);
    const entries = obj[key];
    if (!Array.isArray(entries)) throw new SnapshotError(rowPath, `expected an array of [uid, u16] pairs, got ${describe(entries)}`);
    const count = entries.length;
    const uids = new Uint16Array(count);
    const values = new Uint16Array(count);
    const seen = new Set<number>();
    let sorted = true;
    for (let t = 0; t < count; t++) {
      const pair = entries[t];
      const pairPath = `${rowPath}[${t}]`;
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new SnapshotError(pairPath, `expected a [uid, u16] pair, got ${describe(pair)}`);
      }
      const j = expectInteger(pair[0], `${pairPath}[0]`, 0, Number.MAX_SAFE_INTEGER);
      if (j >= n) throw new SnapshotError(`${pairPath}[0]`, `uid ${j} is not a neuron`);
      if (seen.has(j)) throw new SnapshotError(`${pairPath}[0]`, `duplicate uid ${j} in this row`);
      seen.add(j);
      const value = expectInteger(pair[1], `${pairPath}[1]`, 0, 65535);
      if (t > 0 && j < uids[t - 1]) sorted = false;
      uids[t] = j;
      values[t] = value;
    }
    let row: SparseRow = { uids, values };
    if (!sorted) row = sortRow(row);
    if (field === 'weights') row = { uids: row.uids, values: vecU16MaxUpscaleToU16(row.values) };
    rows.set(uid, row);
  }
  return rows;
}

function sortRow(row: SparseRow): SparseRow {
  const order = Array.from(row.uids.keys()).sort((a, b) => row.uids[a] - row.uids[b]);
  return {
    uids: Uint16Array.from(order, (t) => row.uids[t]),
    values: Uint16Array.from(order, (t) => row.values[t]),
  };
}

/**
 * Validates an already JSON-parsed snapshot and returns it in columns. Throws `SnapshotError`
 * (one line, naming the field path) on anything outside the contract.
 */
export function parseSnapshot(input: unknown): Snapshot {
  if (!isPlainObject(input)) throw new SnapshotError('snapshot', `expected a JSON object, got ${describe(input)}`);
  const top = input;
  rejectUnknown(top, TOP_FIELDS, '');
  if (top.variant !== 'yuma2' && top.variant !== 'yuma3') {
    throw new SnapshotError('variant', `expected "yuma3" or "yuma2", got ${describe(top.variant)}`);
  }
  const variant: Variant = top.variant;
  const block = expectInteger(top.block, 'block', 0, Number.MAX_SAFE_INTEGER);
  const params = parseParams(top.params, variant);

  if (!Array.isArray(top.neurons)) throw new SnapshotError('neurons', `expected an array, got ${describe(top.neurons)}`);
  const neurons: unknown[] = top.neurons;
  const n = neurons.length;
  if (n > MAX_NEURONS) throw new SnapshotError('neurons', `expected at most ${MAX_NEURONS} neurons, got ${n}`);
  const stake = new Float64Array(n);
  const lastUpdate = new Float64Array(n);
  const registeredAt = new Float64Array(n);
  const validatorPermit = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const path = `neurons[${i}]`;
    const neuron = expectObject(neurons[i], path);
    rejectUnknown(neuron, NEURON_FIELDS, path);
    for (const field of NEURON_FIELDS) {
      if (neuron[field] === undefined) throw new SnapshotError(`${path}.${field}`, 'missing');
    }
    const uid = expectInteger(neuron.uid, `${path}.uid`, 0, Number.MAX_SAFE_INTEGER);
    if (uid !== i) {
      const duplicate = uid < i ? ` (duplicate uid ${uid})` : '';
      throw new SnapshotError(`${path}.uid`, `expected ${i}: neurons must list uids 0..n-1 in order${duplicate}, got ${uid}`);
    }
    const s = neuron.stake;
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
      throw new SnapshotError(`${path}.stake`, `expected a finite number >= 0, got ${describe(s)}`);
    }
    stake[i] = s;
    lastUpdate[i] = expectInteger(neuron.lastUpdate, `${path}.lastUpdate`, 0, Number.MAX_SAFE_INTEGER);
    registeredAt[i] = expectInteger(neuron.registeredAt, `${path}.registeredAt`, 0, Number.MAX_SAFE_INTEGER);
    validatorPermit[i] = expectBoolean(neuron.validatorPermit, `${path}.validatorPermit`) ? 1 : 0;
  }

  const weights = parseRows(top.weights, 'weights', n);
  const bonds = parseRows(top.bonds, 'bonds', n);
  return { variant, block, params, n, stake, lastUpdate, registeredAt, validatorPermit, weights, bonds };
}

/** The snapshot's JSON form (the CLI's input), e.g. to write a fixture. */
export interface SnapshotJson {
  variant: Variant;
  block: number;
  params: EpochParams;
  neurons: { uid: number; stake: number; lastUpdate: number; registeredAt: number; validatorPermit: boolean }[];
  weights: Record<string, [number, number][]>;
  bonds: Record<string, [number, number][]>;
}

function rowsToJson(rows: ReadonlyMap<number, SparseRow>): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const [uid, row] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    out[String(uid)] = Array.from(row.uids, (j, t): [number, number] => [j, row.values[t]]);
  }
  return out;
}

/** Inverse of `parseSnapshot` (weights come back as stored, i.e. max-upscaled). */
export function snapshotToJson(snapshot: Snapshot): SnapshotJson {
  return {
    variant: snapshot.variant,
    block: snapshot.block,
    params: { ...snapshot.params },
    neurons: Array.from({ length: snapshot.n }, (_, uid) => ({
      uid,
      stake: snapshot.stake[uid],
      lastUpdate: snapshot.lastUpdate[uid],
      registeredAt: snapshot.registeredAt[uid],
      validatorPermit: snapshot.validatorPermit[uid] === 1,
    })),
    weights: rowsToJson(snapshot.weights),
    bonds: rowsToJson(snapshot.bonds),
  };
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

function clampedList(values: Float64Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v > 1 ? 1 : v > 0 ? v : 0;
  }
  return out;
}

/**
 * The CLI's JSON view of an epoch: per-uid floats clamped to [0, 1] (float64 rounding can stray a
 * few ulps outside), bonds as the u16 rows the chain would store (zero entries and empty rows
 * omitted), permits as booleans.
 */
export function epochResultToJson(result: EpochResult): EpochResultJson {
  const bonds: Record<string, [number, number][]> = {};
  for (const [uid, row] of [...result.bonds.entries()].sort((a, b) => a[0] - b[0])) {
    const entries: [number, number][] = [];
    for (let t = 0; t < row.uids.length; t++) if (row.values[t] !== 0) entries.push([row.uids[t], row.values[t]]);
    if (entries.length > 0) bonds[String(uid)] = entries;
  }
  return {
    consensus: clampedList(result.consensus),
    incentive: clampedList(result.incentive),
    dividends: clampedList(result.dividends),
    validatorTrust: clampedList(result.validatorTrust),
    bonds,
    validatorPermit: Array.from(result.validatorPermit, (p) => p === 1),
    serverEmissionShare: clampedList(result.serverEmissionShare),
    validatorEmissionShare: clampedList(result.validatorEmissionShare),
  };
}
