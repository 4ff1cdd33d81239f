/**
 * The production epochs (dense, fused, buffered) against the literal sparse reference ports in
 * reference.ts, over many small random metagraphs that exercise the masks, median ties, empty
 * columns, permit changes, bonds penalty and liquid alpha.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32, parseSnapshot, runEpoch, type EpochResult, type Variant } from '../../src/consensus/index.ts';
import { referenceYuma2, referenceYuma3, type ReferenceResult } from './reference.ts';

function randomJson(seed: number, variant: Variant) {
  const rand = mulberry32(seed);
  const n = 2 + Math.floor(rand() * 24);
  const block = 10_000;
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const discrete = rand() < 0.5; // few distinct values: ties in the median and in top-k
  const neurons = Array.from({ length: n }, (_, uid) => ({
    uid,
    stake: rand() < 0.3 ? 0 : discrete ? pick([1, 2, 5]) : Math.floor(rand() * 1e6) / 100,
    lastUpdate: rand() < 0.1 ? block - 6000 : block - 1 - Math.floor(rand() * 50),
    registeredAt: rand() < 0.15 ? block - 1 - Math.floor(rand() * 60) : Math.floor(rand() * 500),
    validatorPermit: rand() < 0.6,
  }));
  const weights: Record<string, [number, number][]> = {};
  const bonds: Record<string, [number, number][]> = {};
  for (let i = 0; i < n; i++) {
    if (rand() < 0.8) {
      const row: [number, number][] = [];
      for (let j = 0; j < n; j++) {
        if (rand() < 0.7) row.push([j, discrete ? pick([0, 16384, 32768, 65535]) : Math.floor(rand() * 65536)]);
      }
      weights[String(i)] = row;
    }
    if (rand() < 0.6) {
      const row: [number, number][] = [];
      for (let j = 0; j < n; j++) if (rand() < 0.6) row.push([j, Math.floor(rand() * 65536)]);
      bonds[String(i)] = row;
    }
  }
  const params = {
    kappa: pick([32767, 32767, 45000, 0, 65535, 20000]),
    bondsMovingAverage: pick([900_000, 500_000, 975_000, 0, 1_000_000]),
    bondsPenalty: pick([65535, 0, 30000]),
    liquidAlphaEnabled: rand() < 0.4,
    alphaLow: pick([45875, 1638, 0]),
    alphaHigh: 58982,
    alphaSigmoidSteepness: pick([1000, 10, -500, 32767]),
    activityCutoff: 5000,
    maxAllowedValidators: pick([1, 2, 4, 64]),
  };
  return { variant, block, params, neurons, weights, bonds };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    // a few I32F32 steps (2^-32): quotients cut to that grid may land one step apart
    const tolerance = 2e-9 + 1e-9 * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      throw new Error(`${what}[${i}]: ${actual[i]} != ${expected[i]}`);
    }
  }
}

function compare(result: EpochResult, reference: ReferenceResult, label: string): void {
  expectClose(result.consensus, reference.consensus, `${label} consensus`);
  expectClose(result.incentive, reference.incentive, `${label} incentive`);
  expectClose(result.dividends, reference.dividends, `${label} dividends`);
  expectClose(result.validatorTrust, reference.validatorTrust, `${label} validatorTrust`);
  expectClose(result.trust, reference.trust, `${label} trust`);
  expectClose(result.serverEmissionShare, reference.serverEmissionShare, `${label} serverEmissionShare`);
  expectClose(result.validatorEmissionShare, reference.validatorEmissionShare, `${label} validatorEmissionShare`);
  expect(Array.from(result.validatorPermit, (p) => p === 1), `${label} permits`).toEqual(reference.validatorPermit);
  expect([...result.bonds.keys()].sort((a, b) => a - b), `${label} bond rows`).toEqual(
    [...reference.bonds.keys()].sort((a, b) => a - b),
  );
  for (const [uid, row] of reference.bonds) {
    const mine = result.bonds.get(uid)!;
    const a = new Map(Array.from(mine.uids, (j, t) => [j, mine.values[t]]));
    const b = new Map(row);
    for (const j of new Set([...a.keys(), ...b.keys()])) {
      // floor(x · 65535) may land one apart when x · 65535 sits on an integer within float noise.
      if (Math.abs((a.get(j) ?? 0) - (b.get(j) ?? 0)) > 1) {
        throw new Error(`${label} bonds[${uid}][${j}]: ${a.get(j)} != ${b.get(j)}`);
      }
    }
  }
}

describe('production epochs match the literal sparse reference ports', () => {
  for (const variant of ['yuma2', 'yuma3'] as const) {
    it(`${variant}: 300 random small metagraphs`, () => {
      for (let seed = 1; seed <= 300; seed++) {
        const snapshot = parseSnapshot(randomJson(seed * 7919 + (variant === 'yuma2' ? 1 : 2), variant));
        const reference = variant === 'yuma2' ? referenceYuma2(snapshot) : referenceYuma3(snapshot);
        compare(runEpoch(snapshot), reference, `${variant} seed ${seed}`);
      }
    });
  }

  it('repeated epochs reuse scratch buffers without leaking state between snapshots', () => {
    const a = parseSnapshot(randomJson(11, 'yuma3'));
    const b = parseSnapshot(randomJson(11, 'yuma3'));
    const first = runEpoch(a);
    for (let seed = 100; seed < 120; seed++) runEpoch(parseSnapshot(randomJson(seed, 'yuma3')));
    compare(runEpoch(b), referenceYuma3(b), 'after reuse');
    compare(first, referenceYuma3(a), 'first');
  });
});
