/**
 * Named scenarios of bactensor/yuma-simulation (src/yuma_simulation/_internal/cases.py), run over
 * many epochs through both epochs with the stored bonds fed back, asserting what each case
 * demonstrates. Validators: A (uid 0), B (uid 1), C (uid 2); servers S1 (uid 3), S2 (uid 4).
 */
import { describe, expect, it } from 'vitest';
import { choose, simulate, type Scenario } from './simulate.ts';

const variants = ['yuma2', 'yuma3'] as const;
const stakes = () => [0.8, 0.1, 0.1];
const S1 = 0;
const S2 = 1;

describe('Case 1 — kappa moves first (the 0.8 validator switches to S2 before the small ones)', () => {
  const scenario: Scenario = {
    epochs: 8,
    stakes,
    // e0 all → S1; e1 A → S2; e2 A, B → S2; then all → S2
    weights: (e) => choose(2, e === 0 ? [0, 0, 0] : e === 1 ? [1, 0, 0] : e === 2 ? [1, 1, 0] : [1, 1, 1]),
  };
  for (const variant of variants) {
    it(`${variant}: consensus follows the majority stake at once; laggards are clipped and the mover is paid`, () => {
      const v = simulate(variant, scenario);
      expect(v[0].consensus).toEqual([1, 0]);
      // epoch 1: 80% of the stake on S2 moves consensus and incentive entirely
      expect(v[1].consensus).toEqual([0, 1]);
      expect(v[1].incentive).toEqual([0, 1]);
      // B and C still weight S1, whose consensus is now 0: their weights are clipped away
      expect(v[1].validatorTrust.map((x) => Math.round(x * 1000) / 1000)).toEqual([1, 0, 0]);
      // only A holds bonds in the server that earns: it takes all dividends
      expect(v[1].dividends[0]).toBeGreaterThan(0.99);
      // epoch 2: B follows and starts earning, C (still on S1) earns nothing
      expect(v[2].dividends[1]).toBeGreaterThan(0);
      expect(v[2].dividends[2]).toBe(0);
      expect(v[2].validatorTrust[2]).toBe(0);
      // afterwards the small validators' dividends climb back towards their stake share
      for (let e = 4; e < 8; e++) expect(v[e].dividends[2]).toBeGreaterThan(v[e - 1].dividends[2]);
      expect(v[7].dividends[1]).toBeLessThan(0.1);
    });
  }
});

describe('Case 2 — kappa moves second (a small validator switches first, alone)', () => {
  const scenario: Scenario = {
    epochs: 5,
    stakes,
    weights: (e) => choose(2, e === 0 ? [0, 0, 0] : e === 1 ? [0, 1, 0] : e === 2 ? [1, 1, 0] : [1, 1, 1]),
  };
  for (const variant of variants) {
    it(`${variant}: 10% of the stake cannot move consensus; the early mover is clipped and paid less`, () => {
      const v = simulate(variant, scenario);
      expect(v[1].consensus).toEqual([1, 0]);
      expect(v[1].incentive).toEqual([1, 0]);
      expect(v[1].validatorTrust[1]).toBe(0);
      expect(v[1].dividends[1]).toBeLessThan(0.1);
      expect(v[1].dividends[2]).toBeGreaterThan(v[1].dividends[1]);
      // once A follows, consensus moves and C (the laggard) is clipped instead
      expect(v[2].consensus).toEqual([0, 1]);
      expect(v[2].validatorTrust[2]).toBe(0);
    });
  }
});

describe('Case 4 — all validators switch', () => {
  const scenario: Scenario = { epochs: 6, stakes, weights: (e) => choose(2, e === 0 ? [0, 0, 0] : [1, 1, 1]) };
  for (const variant of variants) {
    it(`${variant}: incentive moves at once and dividends stay proportional to stake`, () => {
      const v = simulate(variant, scenario);
      for (let e = 1; e < 6; e++) {
        expect(v[e].incentive).toEqual([0, 1]);
        // (to the precision of bonds stored as u16)
        expect(v[e].dividends[0]).toBeCloseTo(0.8, 4);
        expect(v[e].dividends[1]).toBeCloseTo(0.1, 4);
        expect(v[e].dividends[2]).toBeCloseTo(0.1, 4);
      }
    });
  }

  it('yuma2 stores bonds column max-upscaled: the largest staker holds 65535, a 1/8 staker 8191', () => {
    const v = simulate('yuma2', scenario);
    expect(v[3].bonds.map((row) => row[S2])).toEqual([65535, 8191, 8191]);
    // S1, no longer weighted, keeps its proportions except for I32F32 truncation: each epoch's
    // normalise → × 0.9 → normalise → ÷ max lands a hair under 8191/65535, and the stored floor
    // loses one step per epoch (the spec-185 runtime does the same)
    expect(v[1].bonds.map((row) => row[S1])).toEqual([65535, 8190, 8190]);
    expect(v[3].bonds.map((row) => row[S1])).toEqual([65535, 8188, 8188]);
  });

  it('yuma3 bonds are per-validator EMAs of the weights, stored as floor(b · 65535) each epoch', () => {
    const v = simulate('yuma3', scenario);
    // b_k = 0.1 · w + 0.9 · b_{k-1}, where b_{k-1} is read back from its u16
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < 6; k++) {
      const w = k === 0 ? [1, 0] : [0, 1];
      s1 = Math.floor((0.1 * w[0] + 0.9 * (s1 / 65535)) * 65535);
      s2 = Math.floor((0.1 * w[1] + 0.9 * (s2 / 65535)) * 65535);
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(v[k].bonds[i][S1] - s1), `epoch ${k} S1`).toBeLessThanOrEqual(1);
        expect(Math.abs(v[k].bonds[i][S2] - s2), `epoch ${k} S2`).toBeLessThanOrEqual(1);
      }
    }
    expect(v[5].bonds[0][S2]).toBeGreaterThan(0.4 * 65535); // 1 − 0.9^5 ≈ 0.41
  });

  it('yuma3 with liquid alpha moves bonds with alpha in [alphaLow, alphaHigh] instead of 0.1', () => {
    const fixed = simulate('yuma3', scenario);
    const liquid = simulate('yuma3', { ...scenario, params: { liquidAlphaEnabled: true } });
    expect(fixed[1].bonds[0][S2]).toBe(6553); // 0.1 · 65535
    // first epoch on S2: weight 1, bond 0, consensus 1 → diff 0 → alpha ≈ alphaLow (0.7)
    expect(liquid[1].bonds[0][S2]).toBeGreaterThanOrEqual(Math.floor(0.7 * 65535));
    expect(liquid[1].bonds[0][S2]).toBeLessThanOrEqual(Math.floor(0.9 * 65535));
    expect(liquid[1].dividends[0]).toBeCloseTo(0.8, 6);
  });
});

describe('Case 9 — small validators merged in epoch 5 (stakes 0.8/0.1/0.1 → 0.8/0.2/0.0)', () => {
  const scenario: Scenario = {
    epochs: 12,
    stakes: (e) => (e <= 5 ? [0.8, 0.1, 0.1] : [0.8, 0.2, 0]),
    weights: () => choose(2, [1, 1, 1]),
  };
  it('yuma3: bonds are relative per validator, so dividends follow the new stake immediately', () => {
    const v = simulate('yuma3', scenario);
    expect(v[5].dividends[1]).toBeCloseTo(0.1, 6);
    for (let e = 6; e < 12; e++) {
      expect(v[e].dividends[1]).toBeCloseTo(0.2, 6);
      expect(v[e].dividends[2]).toBe(0);
    }
    // C lost its permit (no stake): its bonds row is cleared
    expect(v[6].result.validatorPermit[2]).toBe(0);
    expect(v[6].bonds[2]).toEqual([0, 0]);
  });

  it('yuma2: stake-weighted bonds lag — B earns less than its 20% and stake-less C keeps earning', () => {
    const v = simulate('yuma2', scenario);
    expect(v[6].dividends[1]).toBeLessThan(0.12);
    expect(v[6].dividends[2]).toBeGreaterThan(0.08);
    for (let e = 7; e < 12; e++) {
      expect(v[e].dividends[1]).toBeGreaterThan(v[e - 1].dividends[1]);
      expect(v[e].dividends[2]).toBeLessThan(v[e - 1].dividends[2]);
    }
    expect(v[11].dividends[1]).toBeLessThan(0.2);
  });
});

describe('Case 11 — clipping demo (0.49 / 0.49 / 0.02)', () => {
  const scenario: Scenario = {
    epochs: 24,
    stakes: () => [0.49, 0.49, 0.02],
    weights: (e) =>
      e < 20
        ? [
            [0.3, 0.7],
            [0.6, 0.4],
            [0.61, 0.39],
          ]
        : [
            [0.3, 0.7],
            [0.6, 0.4],
            [0.3, 0.61],
          ],
  };
  for (const variant of variants) {
    it(`${variant}: weight above the stake-weighted median is clipped; the 2% validator is pivotal`, () => {
      const v = simulate(variant, scenario);
      // consensus = the weight a majority of stake supports: S1 0.6, S2 0.4
      expect(v[10].consensus[S1]).toBeCloseTo(0.6, 4);
      expect(v[10].consensus[S2]).toBeCloseTo(0.4, 4);
      // A's 0.7 on S2 is clipped to 0.4; C's 0.61 on S1 to 0.6
      expect(v[10].validatorTrust[0]).toBeCloseTo(0.7, 4);
      expect(v[10].validatorTrust[1]).toBeCloseTo(1, 4);
      expect(v[10].validatorTrust[2]).toBeCloseTo(0.99, 4);
      // C changes its mind: with A and B split 49/49 its 2% decides both medians
      expect(v[21].consensus[S1]).toBeCloseTo(0.3 / 0.91, 4);
      expect(v[21].consensus[S2]).toBeCloseTo(0.61 / 0.91, 4);
      expect(v[21].validatorTrust[1]).toBeCloseTo(0.3 / 0.91 + 0.4, 4);
      expect(v[21].incentive[S2]).toBeGreaterThan(v[21].incentive[S1]);
      expect(v[10].incentive[S1]).toBeGreaterThan(v[10].incentive[S2]);
    });
  }

  it('yuma3 bonds penalty: at 0 bonds follow the raw weight (0.7), at 65535 the clipped one (0.4)', () => {
    const clipped = simulate('yuma3', { ...scenario, epochs: 19 });
    const raw = simulate('yuma3', { ...scenario, epochs: 19, params: { bondsPenalty: 0 } });
    const grown = 1 - 0.9 ** 19;
    expect(clipped[18].bonds[0][S2] / 65535).toBeCloseTo(0.4 * grown, 3);
    expect(raw[18].bonds[0][S2] / 65535).toBeCloseTo(0.7 * grown, 3);
    // incentive does not depend on the penalty, A's dividends do
    expect(raw[18].incentive).toEqual(clipped[18].incentive);
    expect(raw[18].dividends[0]).toBeGreaterThan(clipped[18].dividends[0]);
  });
});

describe('Case 14 — stable miner: one validator (34%) switches to S2 for a single epoch', () => {
  const scenario: Scenario = {
    epochs: 23,
    stakes: () => [0.33, 0.33, 0.34],
    weights: (e) => choose(2, e === 20 ? [0, 0, 1] : [0, 0, 0]),
  };
  for (const variant of variants) {
    it(`${variant}: S1 keeps all incentive; the deviating validator is clipped and loses dividends for a while`, () => {
      const v = simulate(variant, scenario);
      for (const view of v) expect(view.incentive).toEqual([1, 0]);
      expect(v[20].consensus).toEqual([1, 0]);
      expect(v[20].validatorTrust[2]).toBe(0);
      expect(v[19].dividends[2]).toBeCloseTo(0.34, 4);
      expect(v[20].dividends[2]).toBeLessThan(0.32);
      expect(v[21].dividends[2]).toBeGreaterThan(v[20].dividends[2]);
      expect(v[22].dividends[2]).toBeGreaterThan(v[21].dividends[2]);
    });
  }
});
