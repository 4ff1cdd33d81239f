/**
 * Multi-epoch driver for yuma-simulation style scenarios (bactensor/yuma-simulation, cases.py):
 * validators are uids 0..V-1, servers V..V+S-1; each epoch builds a snapshot the way the chain
 * would hold it (weights as set, bonds and permits stored by the previous epoch), runs one epoch
 * through the real `parseSnapshot` + `runEpoch`, and feeds the stored bonds back.
 */
import { parseSnapshot, runEpoch, type EpochParams, type EpochResult, type Variant } from '../../src/consensus/index.ts';

export interface Scenario {
  /** Epoch count. */
  epochs: number;
  /** Validator stakes at epoch e (any unit). */
  stakes: (epoch: number) => number[];
  /** Validator × server weights at epoch e, floats (quantised to u16 like a validator would). */
  weights: (epoch: number) => number[][];
  params?: Partial<EpochParams>;
}

export interface EpochView {
  result: EpochResult;
  /** Per validator. */
  dividends: number[];
  validatorTrust: number[];
  /** Per server. */
  incentive: number[];
  consensus: number[];
  /** Stored u16 bonds, validator × server. */
  bonds: number[][];
}

export function simulate(variant: Variant, scenario: Scenario): EpochView[] {
  const first = scenario.weights(0);
  const V = first.length;
  const S = first[0].length;
  const n = V + S;
  let permits = Array.from({ length: n }, (_, uid) => uid < V);
  let bonds: Record<string, [number, number][]> = {};
  const views: EpochView[] = [];
  for (let epoch = 0; epoch < scenario.epochs; epoch++) {
    const block = 1000 + 100 * epoch;
    const stakes = scenario.stakes(epoch);
    const w = scenario.weights(epoch);
    const weights: Record<string, [number, number][]> = {};
    w.forEach((row, i) => {
      weights[String(i)] = row.map((x, s): [number, number] => [V + s, Math.round(x * 65535)]);
    });
    const snapshot = parseSnapshot({
      variant,
      block,
      params: { maxAllowedValidators: 64, ...scenario.params },
      neurons: Array.from({ length: n }, (_, uid) => ({
        uid,
        stake: uid < V ? stakes[uid] : 0,
        lastUpdate: block - 1,
        registeredAt: 0,
        validatorPermit: permits[uid],
      })),
      weights,
      bonds,
    });
    const result = runEpoch(snapshot);
    const bondMatrix = Array.from({ length: V }, () => new Array<number>(S).fill(0));
    const nextBonds: Record<string, [number, number][]> = {};
    for (const [uid, row] of result.bonds) {
      const entries: [number, number][] = Array.from(row.uids, (j, t) => [j, row.values[t]]);
      if (entries.length > 0) nextBonds[String(uid)] = entries;
      if (uid < V) for (const [j, u] of entries) if (j >= V) bondMatrix[uid][j - V] = u;
    }
    bonds = nextBonds;
    permits = Array.from(result.validatorPermit, (p) => p === 1);
    views.push({
      result,
      dividends: Array.from(result.dividends.subarray(0, V)),
      validatorTrust: Array.from(result.validatorTrust.subarray(0, V)),
      incentive: Array.from(result.incentive.subarray(V)),
      consensus: Array.from(result.consensus.subarray(V)),
      bonds: bondMatrix,
    });
  }
  return views;
}

/** A validator × server matrix with 1.0 at the given (validator → server) choices. */
export function choose(servers: number, choices: number[]): number[][] {
  return choices.map((s) => Array.from({ length: servers }, (_, j) => (j === s ? 1 : 0)));
}
