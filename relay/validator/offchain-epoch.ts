/**
 * Yuma Consensus without a chain: the validators' weight vectors (this validator's own and the
 * signed ones heard on gossip) and the registry's stakes and permits make a snapshot, and
 * `src/consensus` runs the epoch (yuma3, subtensor's default parameters). Bonds carry over from
 * one off-chain epoch to the next. The result is what the chain would have computed.
 */
import { DEFAULT_PARAMS, epochResultToJson, parseSnapshot, runEpoch, type EpochResultJson, type SnapshotJson } from '../../src/consensus/index.ts';
import type { Member } from '../registry/registry.ts';

export interface OffChainEpochResult extends EpochResultJson {
  block: number;
  validators: number;
}

export class OffChainEpochs {
  /** Latest weight vector per validator hotkey. */
  private readonly vectors = new Map<string, { block: number; uids: number[]; weights: number[] }>();

  constructor(private bonds: SnapshotJson['bonds'] = {}) {}

  get storedBonds(): SnapshotJson['bonds'] {
    return this.bonds;
  }

  /** Records a validator's weights (keeps the newest per hotkey). */
  record(hotkey: string, block: number, uids: number[], weights: number[]): void {
    const previous = this.vectors.get(hotkey);
    if (!previous || previous.block <= block) this.vectors.set(hotkey, { block, uids, weights });
  }

  /** Runs one epoch at `block` over the current members; uids must be 0..n-1 (as on chain). */
  run(members: Member[], block: number): OffChainEpochResult {
    const sorted = [...members].sort((a, b) => a.uid - b.uid);
    const weights: SnapshotJson['weights'] = {};
    for (const m of sorted) {
      const v = this.vectors.get(m.hotkey);
      if (v) weights[String(m.uid)] = v.uids.map((u, i): [number, number] => [u, v.weights[i]]);
    }
    const snapshot: SnapshotJson = {
      variant: 'yuma3',
      block,
      params: { ...DEFAULT_PARAMS.yuma3 },
      neurons: sorted.map((m) => ({ uid: m.uid, stake: m.stake, lastUpdate: this.vectors.get(m.hotkey)?.block ?? block, registeredAt: 0, validatorPermit: m.validatorPermit })),
      weights,
      bonds: this.bonds,
    };
    const result = epochResultToJson(runEpoch(parseSnapshot(snapshot)));
    this.bonds = result.bonds;
    return { ...result, block, validators: Object.keys(weights).length };
  }
}
