/**
 * The snapshot contract: defaults, normalisation of rows, round trip, output shape, and one-line
 * validation errors that name the offending field.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARAMS,
  epochResultToJson,
  parseSnapshot,
  runEpoch,
  SnapshotError,
  snapshotToJson,
} from '../../src/consensus/index.ts';

function valid(): Record<string, unknown> {
  return {
    variant: 'yuma3',
    block: 1000,
    params: {
      kappa: 32767,
      bondsMovingAverage: 900000,
      bondsPenalty: 65535,
      liquidAlphaEnabled: false,
      alphaLow: 45875,
      alphaHigh: 58982,
      alphaSigmoidSteepness: 1000,
      activityCutoff: 5000,
      maxAllowedValidators: 64,
    },
    neurons: [
      { uid: 0, stake: 8.0, lastUpdate: 999, registeredAt: 0, validatorPermit: true },
      { uid: 1, stake: 0, lastUpdate: 990, registeredAt: 0, validatorPermit: false },
      { uid: 2, stake: 0, lastUpdate: 990, registeredAt: 0, validatorPermit: false },
      { uid: 3, stake: 1, lastUpdate: 990, registeredAt: 0, validatorPermit: true },
    ],
    weights: { '0': [[1, 65535], [2, 32768]] },
    bonds: { '0': [[1, 6634]] },
  };
}

/** The snapshot with `edit` applied to a deep copy. */
function mutate(edit: (s: any) => void): unknown {
  const s = structuredClone(valid());
  edit(s);
  return s;
}

function errorOf(input: unknown): SnapshotError {
  try {
    parseSnapshot(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotError);
    const e = error as SnapshotError;
    expect(e.message).not.toContain('\n');
    return e;
  }
  throw new Error('expected a SnapshotError');
}

describe('parseSnapshot: valid input', () => {
  it('parses the contract example and runs it', () => {
    const snapshot = parseSnapshot(valid());
    expect(snapshot.n).toBe(4);
    expect(snapshot.params.maxAllowedValidators).toBe(64);
    const json = epochResultToJson(runEpoch(snapshot));
    expect(Object.keys(json).sort()).toEqual(
      ['bonds', 'consensus', 'dividends', 'incentive', 'serverEmissionShare', 'validatorEmissionShare', 'validatorPermit', 'validatorTrust'].sort(),
    );
    for (const key of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'serverEmissionShare', 'validatorEmissionShare'] as const) {
      expect(json[key]).toHaveLength(4);
      for (const x of json[key]) expect(x >= 0 && x <= 1).toBe(true);
    }
    expect(json.validatorPermit).toEqual([true, false, false, true]);
    // bonds: u16 pairs, no zero entries, no empty rows
    for (const row of Object.values(json.bonds)) {
      expect(row.length).toBeGreaterThan(0);
      for (const [j, v] of row) expect(Number.isInteger(j) && Number.isInteger(v) && v > 0 && v <= 65535).toBe(true);
    }
    // the output is plain JSON
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('missing params take the variant defaults; params, weights and bonds are optional', () => {
    const yuma3 = parseSnapshot(mutate((s) => delete s.params));
    expect(yuma3.params).toEqual(DEFAULT_PARAMS.yuma3);
    expect(DEFAULT_PARAMS.yuma3).toMatchObject({ kappa: 32767, bondsMovingAverage: 900000, bondsPenalty: 65535, maxAllowedValidators: 128 });
    const yuma2 = parseSnapshot(mutate((s) => {
      s.variant = 'yuma2';
      s.params = { kappa: 40000 };
      delete s.weights;
      delete s.bonds;
    }));
    expect(yuma2.params).toEqual({ ...DEFAULT_PARAMS.yuma2, kappa: 40000 });
    expect(yuma2.weights.size).toBe(0);
  });

  it('weight rows are stored as set_weights stores them (max-upscaled) and sorted by uid', () => {
    const snapshot = parseSnapshot(mutate((s) => (s.weights = { '0': [[2, 2], [1, 1]] })));
    const row = snapshot.weights.get(0)!;
    expect(Array.from(row.uids)).toEqual([1, 2]);
    expect(Array.from(row.values)).toEqual([32768, 65535]);
    // bonds are taken as stored
    expect(Array.from(snapshot.bonds.get(0)!.values)).toEqual([6634]);
  });

  it('snapshotToJson is the inverse of parseSnapshot', () => {
    const snapshot = parseSnapshot(valid());
    const again = parseSnapshot(snapshotToJson(snapshot));
    expect(snapshotToJson(again)).toEqual(snapshotToJson(snapshot));
    expect(epochResultToJson(runEpoch(again))).toEqual(epochResultToJson(runEpoch(snapshot)));
  });
});

describe('parseSnapshot: every error names its field, in one line', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 5, 'snapshot: expected a JSON object, got 5'],
    ['unknown top-level field', mutate((s) => (s.foo = 1)), 'unknown field "foo"'],
    ['bad variant', mutate((s) => (s.variant = 'yuma4')), 'variant: expected "yuma3" or "yuma2", got "yuma4"'],
    ['missing variant', mutate((s) => delete s.variant), 'variant: expected "yuma3" or "yuma2", got undefined'],
    ['negative block', mutate((s) => (s.block = -1)), 'block: expected an integer >= 0, got -1'],
    ['fractional block', mutate((s) => (s.block = 1.5)), 'block: expected an integer >= 0, got 1.5'],
    ['params not an object', mutate((s) => (s.params = [])), 'params: expected an object, got []'],
    ['unknown param', mutate((s) => (s.params.tempo = 360)), 'params: unknown field "tempo"'],
    ['kappa out of range', mutate((s) => (s.params.kappa = 70000)), 'params.kappa: expected an integer in 0..65535, got 70000'],
    ['kappa not an integer', mutate((s) => (s.params.kappa = 0.5)), 'params.kappa: expected an integer in 0..65535, got 0.5'],
    ['kappa a string', mutate((s) => (s.params.kappa = '32767')), 'params.kappa: expected an integer in 0..65535, got "32767"'],
    [
      'bonds moving average above 1e6',
      mutate((s) => (s.params.bondsMovingAverage = 2_000_000)),
      'params.bondsMovingAverage: expected an integer in 0..1000000, got 2000000',
    ],
    ['bonds penalty negative', mutate((s) => (s.params.bondsPenalty = -1)), 'params.bondsPenalty: expected an integer in 0..65535, got -1'],
    ['liquid alpha not boolean', mutate((s) => (s.params.liquidAlphaEnabled = 'yes')), 'params.liquidAlphaEnabled: expected true or false, got "yes"'],
    ['alpha low above high', mutate((s) => (s.params.alphaLow = 60000)), 'params.alphaLow: alphaLow (60000) must not exceed alphaHigh (58982)'],
    [
      'steepness beyond i16',
      mutate((s) => (s.params.alphaSigmoidSteepness = 40000)),
      'params.alphaSigmoidSteepness: expected an integer in -32768..32767, got 40000',
    ],
    ['activity cutoff', mutate((s) => (s.params.activityCutoff = null)), 'params.activityCutoff: expected an integer in 0..65535, got null'],
    ['max validators', mutate((s) => (s.params.maxAllowedValidators = 1e6)), 'params.maxAllowedValidators: expected an integer in 0..65535, got 1000000'],
    ['neurons not an array', mutate((s) => (s.neurons = {})), 'neurons: expected an array, got {}'],
    ['neuron not an object', mutate((s) => (s.neurons[2] = 7)), 'neurons[2]: expected an object, got 7'],
    ['negative stake', mutate((s) => (s.neurons[3].stake = -1)), 'neurons[3].stake: expected a finite number >= 0, got -1'],
    ['infinite stake', mutate((s) => (s.neurons[1].stake = Infinity)), 'neurons[1].stake: expected a finite number >= 0, got Infinity'],
    ['stake as a string', mutate((s) => (s.neurons[1].stake = '5')), 'neurons[1].stake: expected a finite number >= 0, got "5"'],
    ['unknown neuron field', mutate((s) => (s.neurons[0].hotkey = '5F...')), 'neurons[0]: unknown field "hotkey"'],
    ['missing neuron field', mutate((s) => delete s.neurons[2].lastUpdate), 'neurons[2].lastUpdate: missing'],
    [
      'uids out of order',
      mutate((s) => (s.neurons[1].uid = 5)),
      'neurons[1].uid: expected 1: neurons must list uids 0..n-1 in order, got 5',
    ],
    [
      'duplicate uid',
      mutate((s) => (s.neurons[2].uid = 1)),
      'neurons[2].uid: expected 2: neurons must list uids 0..n-1 in order (duplicate uid 1), got 1',
    ],
    ['fractional last update', mutate((s) => (s.neurons[0].lastUpdate = 9.5)), 'neurons[0].lastUpdate: expected an integer >= 0, got 9.5'],
    ['negative registration', mutate((s) => (s.neurons[0].registeredAt = -3)), 'neurons[0].registeredAt: expected an integer >= 0, got -3'],
    ['permit not boolean', mutate((s) => (s.neurons[0].validatorPermit = 1)), 'neurons[0].validatorPermit: expected true or false, got 1'],
    ['weights not an object', mutate((s) => (s.weights = [])), 'weights: expected an object, got []'],
    ['weights row of a non-neuron', mutate((s) => (s.weights['7'] = [])), 'weights["7"]: uid 7 is not a neuron'],
    ['weights key not a uid', mutate((s) => (s.weights.x = [])), 'weights["x"]: expected a uid (decimal integer) as key'],
    ['weights key with leading zero', mutate((s) => (s.weights['01'] = [])), 'weights["01"]: expected a uid (decimal integer) as key'],
    ['weights row not an array', mutate((s) => (s.weights['0'] = { 1: 5 })), 'weights["0"]: expected an array of [uid, u16] pairs, got {"1":5}'],
    ['wrong pair length', mutate((s) => s.weights['0'].push([3])), 'weights["0"][2]: expected a [uid, u16] pair, got [3]'],
    ['pair too long', mutate((s) => (s.weights['0'][0] = [1, 2, 3])), 'weights["0"][0]: expected a [uid, u16] pair, got [1,2,3]'],
    ['weight above u16', mutate((s) => (s.weights['0'][0][1] = 70000)), 'weights["0"][0][1]: expected an integer in 0..65535, got 70000'],
    ['weight not integer', mutate((s) => (s.weights['0'][1][1] = 0.5)), 'weights["0"][1][1]: expected an integer in 0..65535, got 0.5'],
    ['weight target not a neuron', mutate((s) => (s.weights['0'][0][0] = 9)), 'weights["0"][0][0]: uid 9 is not a neuron'],
    ['duplicate target', mutate((s) => (s.weights['0'][1][0] = 1)), 'weights["0"][1][0]: duplicate uid 1 in this row'],
    ['bonds row of a non-neuron', mutate((s) => (s.bonds['4'] = [])), 'bonds["4"]: uid 4 is not a neuron'],
    ['bond value negative', mutate((s) => (s.bonds['0'][0][1] = -5)), 'bonds["0"][0][1]: expected an integer in 0..65535, got -5'],
    ['bond target negative', mutate((s) => (s.bonds['0'][0][0] = -1)), 'bonds["0"][0][0]: expected an integer >= 0, got -1'],
  ];
  for (const [what, input, message] of cases) {
    it(what, () => {
      const error = errorOf(input);
      expect(error.message).toBe(message);
    });
  }

  it('carries the field path separately', () => {
    expect(errorOf(mutate((s) => (s.neurons[3].stake = -1))).path).toBe('neurons[3].stake');
  });

  it('rejects too many neurons', () => {
    const neurons = Array.from({ length: 65536 }, (_, uid) => ({ uid, stake: 0, lastUpdate: 0, registeredAt: 0, validatorPermit: false }));
    expect(errorOf({ variant: 'yuma3', block: 0, neurons }).message).toBe('neurons: expected at most 65535 neurons, got 65536');
  });
});

describe('edge cases run without NaN', () => {
  it('an empty network and a network without stake', () => {
    for (const variant of ['yuma2', 'yuma3'] as const) {
      expect(epochResultToJson(runEpoch(parseSnapshot({ variant, block: 0, neurons: [] })))).toEqual({
        consensus: [],
        incentive: [],
        dividends: [],
        validatorTrust: [],
        bonds: {},
        validatorPermit: [],
        serverEmissionShare: [],
        validatorEmissionShare: [],
      });
      const json = epochResultToJson(
        runEpoch(
          parseSnapshot({
            variant,
            block: 10,
            neurons: [
              { uid: 0, stake: 0, lastUpdate: 0, registeredAt: 0, validatorPermit: true },
              { uid: 1, stake: 0, lastUpdate: 0, registeredAt: 0, validatorPermit: false },
            ],
            weights: { '0': [[1, 65535]] },
          }),
        ),
      );
      for (const values of [json.consensus, json.incentive, json.dividends, json.validatorEmissionShare]) {
        for (const x of values) expect(Number.isFinite(x)).toBe(true);
      }
    }
  });
});
