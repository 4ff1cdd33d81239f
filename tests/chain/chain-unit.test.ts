/**
 * The chain layer's pure parts (no chain needed): epoch timing, metagraph → Yuma snapshot,
 * chain-vs-webtensor comparison, chain spec resolution.
 */
import { describe, expect, it } from 'vitest';
import { blocksUntilNextEpoch, nextEpochBlock } from '../../src/chain/client.ts';
import { compareEpoch, formatMismatches } from '../../src/chain/compare.ts';
import { metagraphToSnapshot, raoToTao, toU16 } from '../../src/chain/snapshot.ts';
import type { Hyperparameters, Metagraph, NeuronInfo, YumaResultJson } from '../../src/chain/types.ts';
import { ChainSpecNotFoundError, resolveChainSpec, startLocalChain } from '../../relay/chain/launcher.ts';

const hp: Hyperparameters = {
  tempo: 4,
  kappa: 32767,
  bondsMovingAverage: 900000,
  activityCutoff: 5000,
  maxAllowedValidators: 4,
  weightsVersionKey: 0n,
};

function neuron(uid: number, extra: Partial<NeuronInfo> = {}): NeuronInfo {
  return {
    uid, hotkey: `hk${uid}`, coldkey: `ck${uid}`, stake: 0n, validatorPermit: false, lastUpdate: 5,
    blockAtRegistration: 5, active: true, rank: 0, trust: 0, consensus: 0, incentive: 0, dividends: 0,
    validatorTrust: 0, pruningScore: 0, emission: 0n, weights: [], bonds: [], ...extra,
  };
}

function metagraph(neurons: NeuronInfo[], hyperparameters: Hyperparameters = hp): Metagraph {
  return { netuid: 1, block: 11, blockHash: '0x00', n: neurons.length, neurons, hyperparameters, lastEpochBlock: 7 };
}

describe('epoch timing', () => {
  it('matches the runtime: the epoch runs when (block + netuid + 1) % (tempo + 1) == tempo', () => {
    // Observed on the spec-185 runtime: netuid 1, tempo 4 → epochs at blocks 7, 12, 17.
    expect([7, 12, 17].map((b) => blocksUntilNextEpoch(1, 4, b))).toEqual([0, 0, 0]);
    expect(blocksUntilNextEpoch(1, 4, 8)).toBe(4);
    expect(nextEpochBlock(1, 4, 6)).toBe(7);
    expect(nextEpochBlock(1, 4, 7)).toBe(12);
    expect(nextEpochBlock(1, 4, 11)).toBe(12);
    // Legacy table of subtensor's blocks_until_next_epoch: tempo 1 / netuid 0 runs at block 0.
    expect(blocksUntilNextEpoch(0, 1, 0)).toBe(0);
    expect(blocksUntilNextEpoch(0, 100, 0)).toBe(99);
    expect(blocksUntilNextEpoch(3, 0, 10)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('metagraph → yuma snapshot', () => {
  it('follows the CLI contract and emits only params the runtime has', () => {
    const m = metagraph([
      neuron(0, { stake: 4_000_500_000_000n, validatorPermit: true, lastUpdate: 8, weights: [[1, 65535], [2, 0]], bonds: [[1, 6634]] }),
      neuron(1),
      neuron(2, { blockAtRegistration: 9, lastUpdate: 9 }),
    ]);
    const snapshot = metagraphToSnapshot(m, { variant: 'yuma2' });
    expect(snapshot).toEqual({
      variant: 'yuma2',
      block: 12,
      params: { kappa: 32767, bondsMovingAverage: 900000, activityCutoff: 5000, maxAllowedValidators: 4 },
      neurons: [
        { uid: 0, stake: 4000.5, lastUpdate: 8, registeredAt: 5, validatorPermit: true },
        { uid: 1, stake: 0, lastUpdate: 5, registeredAt: 5, validatorPermit: false },
        { uid: 2, stake: 0, lastUpdate: 9, registeredAt: 9, validatorPermit: false },
      ],
      weights: { '0': [[1, 65535], [2, 0]] },
      bonds: { '0': [[1, 6634]] },
    });
    // Pre-dTAO runtimes (no liquid alpha, no bonds penalty) default to yuma2.
    expect(metagraphToSnapshot(m).variant).toBe('yuma2');
  });

  it('passes liquid alpha and bonds penalty through when the runtime has them', () => {
    const m = metagraph([neuron(0)], { ...hp, bondsPenalty: 65535, liquidAlphaEnabled: true, alphaLow: 45875, alphaHigh: 58982, alphaSigmoidSteepness: 1000, yuma3Enabled: true });
    const snapshot = metagraphToSnapshot(m, { block: 100 });
    expect(snapshot.variant).toBe('yuma3');
    expect(snapshot.block).toBe(100);
    expect(snapshot.params).toEqual({
      kappa: 32767, bondsMovingAverage: 900000, activityCutoff: 5000, maxAllowedValidators: 4,
      bondsPenalty: 65535, liquidAlphaEnabled: true, alphaLow: 45875, alphaHigh: 58982, alphaSigmoidSteepness: 1000,
    });
  });

  it('converts rao to TAO and floats to the u16 the chain stores', () => {
    expect(raoToTao(1n)).toBe(1e-9);
    expect(raoToTao(21_000_000_000_000_000n)).toBe(21_000_000);
    expect(toU16(1)).toBe(65535);
    expect(toU16(0.5)).toBe(32767);
    expect(toU16(0)).toBe(0);
  });
});

describe('chain vs webtensor comparison', () => {
  const chainAfter = metagraph([
    neuron(0, { dividends: 65535, validatorTrust: 65535, validatorPermit: true, bonds: [[1, 65535]] }),
    neuron(1, { incentive: 65535, consensus: 32767 }),
  ]);
  const ours: YumaResultJson = {
    consensus: [0, 0.5], incentive: [0, 1], dividends: [1, 0], validatorTrust: [1, 0],
    bonds: { '0': [[1, 65534]] }, validatorPermit: [true, false], serverEmissionShare: [0, 0.5], validatorEmissionShare: [0.5, 0],
  };

  it('accepts ±1 u16', () => {
    expect(compareEpoch(chainAfter, ours)).toEqual([]);
  });

  it('reports uid, field, chain u16 and ours u16', () => {
    const wrong: YumaResultJson = { ...ours, incentive: [0, 0.9], bonds: { '0': [[1, 60000]], '1': [[0, 5]] }, validatorPermit: [true, true] };
    const mismatches = compareEpoch(chainAfter, wrong);
    expect(mismatches).toEqual([
      { uid: 1, field: 'incentive', chain: 65535, ours: 58981 },
      { uid: 1, field: 'validatorPermit', chain: 0, ours: 1 },
      { uid: 0, field: 'bonds', column: 1, chain: 65535, ours: 60000 },
      { uid: 1, field: 'bonds', column: 0, chain: 0, ours: 5 },
    ]);
    expect(formatMismatches(mismatches).split('\n')[0]).toBe('uid 1 incentive: chain 65535 ours 58981 (Δ -6554)');
  });
});

describe('chain spec', () => {
  it('the default spec is present (the real-runtime suite needs it)', () => {
    expect(() => resolveChainSpec()).not.toThrow();
  });

  it('a missing spec is a clear error, not a skip', async () => {
    await expect(startLocalChain({ specPath: '/nonexistent/spec.json' })).rejects.toBeInstanceOf(ChainSpecNotFoundError);
    await expect(startLocalChain({ specPath: '/nonexistent/spec.json' })).rejects.toThrow(/chain spec not found: \/nonexistent\/spec\.json/);
  });
});
