/**
 * Chain metagraph → `webtensor yuma` snapshot (the Yuma CLI contract). The validator uses it to
 * recompute an epoch locally; the chain cross-check test uses it against the real runtime.
 */
import type { Metagraph, YumaParamsJson, YumaSnapshotJson } from './types.ts';

const RAO_PER_TAO = 1e9;

export interface SnapshotOptions {
  /** `yuma2`: the legacy epoch (pre-dTAO runtimes); `yuma3`: current subtensor. Default: `yuma3` when the runtime reports Yuma3 on, else `yuma2` when it has no liquid alpha / bonds penalty, else `yuma3`. */
  variant?: 'yuma2' | 'yuma3';
  /**
   * The block the epoch runs at, as the runtime sees it (`current_block` in its epoch). Default:
   * the block after the one the metagraph was read at (the epoch runs in `on_initialize`, so the
   * state it reads is the parent block's).
   */
  block?: number;
}

/** Rao (bigint) → TAO as a float (stake only matters in proportion). */
export function raoToTao(rao: bigint): number {
  const whole = rao / 1_000_000_000n;
  const frac = rao % 1_000_000_000n;
  return Number(whole) + Number(frac) / RAO_PER_TAO;
}

/**
 * Builds the Yuma CLI input from a metagraph read at the block just before the epoch block.
 * Only params the contract names are emitted, and only those the runtime has (the CLI fills
 * subtensor's defaults for the rest). Empty weight / bond rows are omitted.
 */
export function metagraphToSnapshot(metagraph: Metagraph, options: SnapshotOptions = {}): YumaSnapshotJson {
  const hp = metagraph.hyperparameters;
  const variant =
    options.variant ??
    (hp.yuma3Enabled === true ? 'yuma3' : hp.liquidAlphaEnabled === undefined && hp.bondsPenalty === undefined ? 'yuma2' : 'yuma3');
  const params: YumaParamsJson = {
    kappa: hp.kappa,
    bondsMovingAverage: hp.bondsMovingAverage,
    activityCutoff: hp.activityCutoff,
    maxAllowedValidators: hp.maxAllowedValidators,
  };
  if (hp.bondsPenalty !== undefined) params.bondsPenalty = hp.bondsPenalty;
  if (hp.liquidAlphaEnabled !== undefined) params.liquidAlphaEnabled = hp.liquidAlphaEnabled;
  if (hp.alphaLow !== undefined) params.alphaLow = hp.alphaLow;
  if (hp.alphaHigh !== undefined) params.alphaHigh = hp.alphaHigh;
  if (hp.alphaSigmoidSteepness !== undefined) params.alphaSigmoidSteepness = hp.alphaSigmoidSteepness;

  const weights: Record<string, Array<[number, number]>> = {};
  const bonds: Record<string, Array<[number, number]>> = {};
  for (const neuron of metagraph.neurons) {
    if (neuron.weights.length > 0) weights[String(neuron.uid)] = neuron.weights.map(([j, w]) => [j, w]);
    if (neuron.bonds.length > 0) bonds[String(neuron.uid)] = neuron.bonds.map(([j, b]) => [j, b]);
  }
  return {
    variant,
    block: options.block ?? metagraph.block + 1,
    params,
    neurons: metagraph.neurons.map((neuron) => ({
      uid: neuron.uid,
      stake: raoToTao(neuron.stake),
      lastUpdate: neuron.lastUpdate,
      registeredAt: neuron.blockAtRegistration,
      validatorPermit: neuron.validatorPermit,
    })),
    weights,
    bonds,
  };
}

/** Floats in [0, 1] → the u16 the chain stores (`floor(x · 65535)`). */
export function toU16(x: number): number {
  return Math.max(0, Math.min(65535, Math.floor(x * 65535)));
}
