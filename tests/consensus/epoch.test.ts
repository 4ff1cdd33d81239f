/**
 * Small epochs computed by hand, for both variants, and the behaviours of individual steps
 * (activity cutoff, outdated weights, permits, bond storage rules).
 */
import { describe, expect, it } from 'vitest';
import { epochResultToJson, parseSnapshot, runEpoch, type Variant } from '../../src/consensus/index.ts';

const u16 = (x: number) => Math.min(65535, Math.max(0, Math.floor(x * 65535)));
const u16s = (xs: ArrayLike<number>) => Array.from(xs, u16);

function neuron(uid: number, stake: number, validatorPermit: boolean, lastUpdate = 99, registeredAt = 0) {
  return { uid, stake, lastUpdate, registeredAt, validatorPermit };
}

describe('the chain notes\' measurement: one validator, weights [65535, 32768, 16384] over three miners', () => {
  for (const variant of ['yuma2', 'yuma3'] as const) {
    it(`${variant}: incentive [0, 37448, 18724, 9362], dividends [65535, 0, 0, 0]`, () => {
      const result = runEpoch(
        parseSnapshot({
          variant,
          block: 100,
          neurons: [neuron(0, 1000, true), neuron(1, 0, false), neuron(2, 0, false), neuron(3, 0, false)],
          weights: { '0': [[1, 65535], [2, 32768], [3, 16384]] },
        }),
      );
      expect(u16s(result.incentive)).toEqual([0, 37448, 18724, 9362]);
      expect(u16s(result.dividends)).toEqual([65535, 0, 0, 0]);
      // one validator: consensus is its own normalised weight
      expect(u16s(result.consensus)).toEqual([0, 37448, 18724, 9362]);
      // its three normalised weights are truncated quotients, summing to 1 − 2·2^-32
      expect(u16s(result.validatorTrust)).toEqual([65534, 0, 0, 0]);
      // half the emission to the miners (4:2:1), half to the validator
      const json = epochResultToJson(result);
      expect(json.validatorEmissionShare[0]).toBeCloseTo(0.5, 9);
      expect(json.serverEmissionShare.reduce((a, b) => a + b, 0)).toBeCloseTo(0.5, 9);
      if (variant === 'yuma2') {
        // legacy bonds are stored column max-upscaled: the only bonder holds 65535 everywhere
        expect(json.bonds).toEqual({ '0': [[1, 65535], [2, 65535], [3, 65535]] });
        // n = 4 < max_allowed_validators (128): is_topk permits everyone, zero stake included
        expect(json.validatorPermit).toEqual([true, true, true, true]);
      } else {
        // Yuma3 bonds: 0.1 · normalised weight, stored as floor(b · 65535)
        expect(json.bonds).toEqual({ '0': [[1, 3744], [2, 1872], [3, 936]] });
        // is_topk_nonzero: zero stake never gets a permit
        expect(json.validatorPermit).toEqual([true, false, false, false]);
      }
    });
  }
});

describe('two validators (0.8 / 0.2), two miners, computed by hand', () => {
  // A (uid 0) splits evenly over M1 (uid 2) and M2 (uid 3); B (uid 1) puts everything on M1.
  // Consensus: M1 → S(≤ 0.5) = 0.8 > 1 − κ → 0.5; M2 → S(≤ 0) = 0.2 → 0.5. B's 1.0 on M1 is clipped
  // to 0.5. Ranks: M1 = 0.8·0.5 + 0.2·0.5 = 0.5, M2 = 0.8·0.5 = 0.4 → incentive 5/9, 4/9.
  const snapshot = (variant: Variant) =>
    parseSnapshot({
      variant,
      block: 100,
      neurons: [neuron(0, 8, true), neuron(1, 2, true), neuron(2, 0, false), neuron(3, 0, false)],
      weights: { '0': [[2, 65535], [3, 65535]], '1': [[2, 65535]] },
    });

  it('shared steps: consensus, validator trust, incentive, server trust', () => {
    for (const variant of ['yuma2', 'yuma3'] as const) {
      const r = runEpoch(snapshot(variant));
      expect(u16s(r.consensus)).toEqual([0, 0, 32767, 32767]);
      expect(u16s(r.validatorTrust)).toEqual([65535, 32767, 0, 0]);
      expect(u16s(r.incentive)).toEqual([0, 0, u16(5 / 9), u16(4 / 9)]); // 36408, 29126
      expect(u16s(r.trust)).toEqual([0, 0, u16(0.5 / 0.6), 65535]); // rank after / before clipping
    }
  });

  it('yuma2: ΔB = stake-weighted clipped weights, column-normalised; dividends 8/9, 1/9', () => {
    const r = runEpoch(snapshot('yuma2'));
    // M1: A 0.8, B 0.2; M2: A 1 → D_A = 0.8·5/9 + 4/9 = 8/9, D_B = 0.2·5/9 = 1/9
    expect(u16s(r.dividends)).toEqual([u16(8 / 9), u16(1 / 9), 0, 0]); // 58253, 7281
    // stored column max-upscaled: B's M1 bond is 0.2 / 0.8 of A's
    expect(epochResultToJson(r).bonds).toEqual({ '0': [[2, 65535], [3, 65535]], '1': [[2, 16383]] });
    // emission: incentive and dividends each sum to 1, so each share is half of it
    expect(r.serverEmissionShare[2]).toBeCloseTo(5 / 18, 8);
    expect(r.validatorEmissionShare[0]).toBeCloseTo(4 / 9, 8);
  });

  it('yuma3: per-validator bonds 0.1·clipped weight; dividends ∝ bond share × stake (52/57, 5/57)', () => {
    const r = runEpoch(snapshot('yuma3'));
    // bonds A: [0.05, 0.05], B: [0.05] → normalised M1 0.5/0.5, M2 1 → per-validator 13/18, 5/18
    // × stake 0.8 / 0.2 → 0.5778, 0.0556 → normalised 52/57, 5/57
    expect(u16s(r.dividends)).toEqual([u16(52 / 57), u16(5 / 57), 0, 0]); // 59786, 5748
    expect(epochResultToJson(r).bonds).toEqual({ '0': [[2, 3276], [3, 3276]], '1': [[2, 3276]] });
  });
});

describe('masks and permits', () => {
  it('an inactive validator (last update beyond the activity cutoff) has no say', () => {
    for (const variant of ['yuma2', 'yuma3'] as const) {
      const r = runEpoch(
        parseSnapshot({
          variant,
          block: 10_000,
          params: { activityCutoff: 100 },
          neurons: [neuron(0, 9, true, 9_000), neuron(1, 1, true, 9_990), neuron(2, 0, false), neuron(3, 0, false)],
          weights: { '0': [[2, 65535]], '1': [[3, 65535]] },
        }),
      );
      expect(r.active[0]).toBe(0);
      expect(r.activeStake[0]).toBe(0);
      expect(r.activeStake[1]).toBe(1);
      expect(u16s(r.incentive)).toEqual([0, 0, 0, 65535]);
    }
  });

  it('weights set before the target registered are dropped (outdated mask)', () => {
    for (const variant of ['yuma2', 'yuma3'] as const) {
      const r = runEpoch(
        parseSnapshot({
          variant,
          block: 100,
          neurons: [neuron(0, 1, true, 50), neuron(1, 0, false, 99, 0), neuron(2, 0, false, 99, 50)],
          weights: { '0': [[1, 65535], [2, 65535]] }, // uid 2 registered at 50 = the weights' block
        }),
      );
      expect(u16s(r.incentive)).toEqual([0, 65535, 0]);
      expect(u16s(r.validatorTrust)[0]).toBe(65535);
    }
  });

  it('self-weight is masked', () => {
    const r = runEpoch(
      parseSnapshot({
        variant: 'yuma3',
        block: 100,
        neurons: [neuron(0, 1, true), neuron(1, 0, false)],
        weights: { '0': [[0, 65535], [1, 65535]] },
      }),
    );
    expect(u16s(r.incentive)).toEqual([0, 65535]);
  });

  it('weights of a neuron without a permit are ignored; with no weights at all, validators earn by stake', () => {
    for (const variant of ['yuma2', 'yuma3'] as const) {
      const r = runEpoch(
        parseSnapshot({
          variant,
          block: 100,
          neurons: [neuron(0, 3, true), neuron(1, 1, true), neuron(2, 5, false)],
          weights: { '2': [[0, 65535]] },
        }),
      );
      expect(Array.from(r.incentive)).toEqual([0, 0, 0]);
      // emission falls back to the active (permitted, active) stake
      expect(r.validatorEmissionShare[0]).toBeCloseTo(0.75, 8);
      expect(r.validatorEmissionShare[1]).toBeCloseTo(0.25, 8);
      expect(r.validatorEmissionShare[2]).toBe(0);
    }
  });

  it('permits go to the top-k stake; equal stakes favour the higher uid', () => {
    const json = (variant: Variant) => ({
      variant,
      block: 100,
      params: { maxAllowedValidators: 2 },
      neurons: [neuron(0, 5, true), neuron(1, 5, true), neuron(2, 5, false), neuron(3, 1, false)],
    });
    for (const variant of ['yuma2', 'yuma3'] as const) {
      expect(Array.from(runEpoch(parseSnapshot(json(variant))).validatorPermit)).toEqual([0, 1, 1, 0]);
    }
  });

  it('bond rows after a permit change: new permit → computed row, lost permit → emptied, never → left (yuma2) or cleared (yuma3)', () => {
    const json = (variant: Variant) => ({
      variant,
      block: 100,
      params: { maxAllowedValidators: 1 },
      neurons: [neuron(0, 9, false), neuron(1, 1, true), neuron(2, 0, false), neuron(3, 0, false)],
      weights: { '1': [[3, 65535]] },
      bonds: { '1': [[3, 40000]], '2': [[3, 1234]] },
    });
    const legacy = runEpoch(parseSnapshot(json('yuma2')));
    expect(Array.from(legacy.validatorPermit)).toEqual([1, 0, 0, 0]);
    expect(legacy.bonds.get(1)?.uids.length).toBe(0); // lost its permit: overwritten with []
    expect(Array.from(legacy.bonds.get(2)!.values)).toEqual([1234]); // never permitted: untouched
    expect(legacy.bonds.has(0)).toBe(true); // newly permitted: written (no bonds yet → empty)
    const current = runEpoch(parseSnapshot(json('yuma3')));
    expect(current.bonds.has(1)).toBe(false);
    expect(current.bonds.has(2)).toBe(false);
    expect(epochResultToJson(current).bonds).toEqual({});
  });

  it('yuma3 liquid alpha (sparse rows): a bond towards a miner missing from the weights row is dropped', () => {
    const base = {
      variant: 'yuma3',
      block: 100,
      params: { liquidAlphaEnabled: true },
      neurons: [neuron(0, 1, true), neuron(1, 0, false), neuron(2, 0, false)],
      bonds: { '0': [[1, 30000], [2, 30000]] },
    };
    const absent = epochResultToJson(runEpoch(parseSnapshot({ ...base, weights: { '0': [[1, 65535]] } })));
    const zero = epochResultToJson(runEpoch(parseSnapshot({ ...base, weights: { '0': [[1, 65535], [2, 0]] } })));
    expect(absent.bonds['0'].map(([j]) => j)).toEqual([1]);
    expect(zero.bonds['0'].map(([j]) => j)).toEqual([1, 2]); // present with weight 0: decayed, kept
    // without liquid alpha the EMA decays every bond: 0.9 · 30000 = 27000 in reals, but
    // 1 − alpha is I32F32(0.9), a hair under 0.9, so the stored floor is 26999
    const fixed = epochResultToJson(runEpoch(parseSnapshot({ ...base, params: {}, weights: { '0': [[1, 65535]] } })));
    expect(fixed.bonds['0']).toEqual([
      [1, Math.floor((0.1 + 0.9 * (30000 / 65535)) * 65535)],
      [2, 26999],
    ]);
  });
});
