/**
 * One Yuma Consensus epoch over a snapshot, dispatched on `snapshot.variant`:
 * `yuma3` (current subtensor, `yuma3.ts`) or `yuma2` (the legacy epoch of the spec-185 runtime,
 * `yuma2.ts`).
 */
import type { Snapshot, SparseRow, Variant } from './snapshot.ts';
import { yuma2 } from './yuma2.ts';
import { yuma3 } from './yuma3.ts';

/**
 * Everything one epoch computes, per uid (length n). Values are the I32F32 quantities of
 * subtensor as float64, before u16 quantisation: the chain stores `floor(x · 65535)`.
 */
export interface EpochResult {
  readonly variant: Variant;
  readonly n: number;
  /** Normalised stake (`stake`). */
  readonly stake: Float64Array;
  /** Stake of active, permitted validators, normalised (`active_stake`). */
  readonly activeStake: Float64Array;
  /** 1 when the neuron set weights within the activity cutoff (`active`). */
  readonly active: Uint8Array;
  /** Normalised clipped ranks (`ranks`; equal to incentive). */
  readonly rank: Float64Array;
  /** Server trust: rank after clipping / rank before (`trust`). */
  readonly trust: Float64Array;
  readonly consensus: Float64Array;
  readonly incentive: Float64Array;
  readonly dividends: Float64Array;
  readonly validatorTrust: Float64Array;
  /** `normalized_server_emission`: share of the epoch's emission earned as a miner. */
  readonly serverEmissionShare: Float64Array;
  /** `normalized_validator_emission`: share earned as a validator. */
  readonly validatorEmissionShare: Float64Array;
  /** `normalized_combined_emission` (also the pruning scores before max-upscaling). */
  readonly combinedEmissionShare: Float64Array;
  /** `new_validator_permits` (1/0). */
  readonly validatorPermit: Uint8Array;
  /**
   * Bond rows the chain holds after the epoch (u16, zero entries omitted). A row present with no
   * entries is one the chain overwrote with an empty row; a uid absent here has no bonds row.
   */
  readonly bonds: ReadonlyMap<number, SparseRow>;
}

export function runEpoch(snapshot: Snapshot): EpochResult {
  switch (snapshot.variant) {
    case 'yuma2':
      return yuma2(snapshot);
    case 'yuma3':
      return yuma3(snapshot);
    default: {
      const unknown: never = snapshot.variant;
      throw new Error(`unknown Yuma variant ${String(unknown)}`);
    }
  }
}
