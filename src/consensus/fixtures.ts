/**
 * Deterministic synthetic metagraphs for benchmarks and tests (`npm run bench` uses
 * `randomSnapshot`). Pure: a seeded PRNG, no I/O.
 */
import { vecU16MaxUpscaleToU16 } from './math.ts';
import { DEFAULT_PARAMS, type EpochParams, type Snapshot, type SparseRow, type Variant } from './snapshot.ts';

/** mulberry32: small, fast, deterministic 32-bit PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomSnapshotOptions {
  /** Neurons (uids 0..n-1). */
  n: number;
  /** Validators: uids 0..validators-1, permitted, heavily staked, each weighting every other uid. */
  validators: number;
  seed?: number;
  variant?: Variant;
  /** Overrides on the variant's defaults (maxAllowedValidators defaults to `validators`). */
  params?: Partial<EpochParams>;
}

/**
 * A dense, realistic worst case: every validator sets a weight on every other uid (a shared
 * quality signal plus per-validator noise, some zeros), holds bonds to every miner from the previous
 * epoch, a few neurons are inactive and a few registered after some validators last set weights.
 */
export function randomSnapshot(options: RandomSnapshotOptions): Snapshot {
  const { n, validators, seed = 1, variant = 'yuma3' } = options;
  if (validators > n) throw new Error('randomSnapshot: more validators than neurons');
  const rand = mulberry32(seed);
  const block = 100_000;
  const params: EpochParams = { ...DEFAULT_PARAMS[variant], maxAllowedValidators: validators, ...options.params };

  const stake = new Float64Array(n);
  const lastUpdate = new Float64Array(n);
  const registeredAt = new Float64Array(n);
  const validatorPermit = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const isValidator = i < validators;
    stake[i] = isValidator ? 1_000 + Math.floor(rand() * rand() * 1_000_000) : rand() < 0.5 ? 0 : Math.floor(rand() * 100);
    validatorPermit[i] = isValidator ? 1 : 0;
    lastUpdate[i] = isValidator ? block - 1 - Math.floor(rand() * 300) : block - Math.floor(rand() * 8_000);
    // ~2% of uids were re-registered recently: weights set before that are outdated.
    registeredAt[i] = rand() < 0.02 ? block - 1 - Math.floor(rand() * 200) : Math.floor(rand() * (block - 10_000));
  }

  const quality = new Float64Array(n);
  for (let j = 0; j < n; j++) quality[j] = rand() ** 2;

  const weights = new Map<number, SparseRow>();
  const bonds = new Map<number, SparseRow>();
  for (let i = 0; i < validators; i++) {
    const uids = new Uint16Array(n - 1);
    const raw = new Uint16Array(n - 1);
    const bondValues = new Uint16Array(n - 1);
    const noise = 0.05 + 0.3 * rand();
    let t = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      uids[t] = j;
      const w = rand() < 0.05 ? 0 : Math.min(1, Math.max(0, quality[j] + noise * (rand() - 0.5)));
      raw[t] = Math.round(w * 65535);
      bondValues[t] = Math.floor(rand() * 65536);
      t++;
    }
    weights.set(i, { uids, values: vecU16MaxUpscaleToU16(raw) });
    bonds.set(i, { uids: uids.slice(), values: bondValues });
  }

  return { variant, block, params, n, stake, lastUpdate, registeredAt, validatorPermit, weights, bonds };
}
