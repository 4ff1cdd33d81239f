/**
 * Yuma Consensus, pure TypeScript (no DOM, no Node APIs, no I/O): the browser, the relay and the
 * validator import the same code.
 *
 * - `parseSnapshot` → `runEpoch` → `epochResultToJson`: the `webtensor yuma` CLI contract.
 * - `yuma3` (current subtensor, Yuma3 on) and `yuma2` (legacy epoch of the spec-185 runtime).
 * - math helpers mirroring subtensor's math.rs, for tests and other callers.
 */
export {
  parseSnapshot,
  snapshotToJson,
  SnapshotError,
  DEFAULT_PARAMS,
  type Snapshot,
  type SnapshotJson,
  type EpochParams,
  type SparseRow,
  type Variant,
} from './snapshot.ts';
export { runEpoch, type EpochResult } from './epoch.ts';
export { epochResultToJson, type EpochResultJson } from './snapshot.ts';
export { yuma2 } from './yuma2.ts';
export { yuma3, bondsEmaAlpha } from './yuma3.ts';
export { randomSnapshot, mulberry32, type RandomSnapshotOptions } from './fixtures.ts';
export * as math from './math.ts';
