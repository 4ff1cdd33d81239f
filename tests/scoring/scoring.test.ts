/** The validator's scoring policy (src/scoring) and the registry file format (relay/registry). */
import { describe, expect, it } from 'vitest';
import { answerScore, emaUpdate, sample, weightsFromScores } from '../../src/scoring/index.ts';
import { Rng } from '../../src/subnets/index.ts';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { parseRegistry, RegistryError } from '../../relay/registry/registry.ts';

describe('answerScore', () => {
  it('keeps the quality of an instant answer and takes at most latencyWeight off at the deadline', () => {
    expect(answerScore(0.8, 0, 1000, 0.1)).toBeCloseTo(0.8, 12);
    expect(answerScore(0.8, 500, 1000, 0.1)).toBeCloseTo(0.76, 12);
    expect(answerScore(0.8, 1000, 1000, 0.1)).toBeCloseTo(0.72, 12);
    expect(answerScore(0.8, 5000, 1000, 0.1)).toBeCloseTo(0.72, 12);
  });
  it('gives 0 to garbage, NaN and negative qualities and caps at 1', () => {
    expect(answerScore(0, 10, 1000, 0.1)).toBe(0);
    expect(answerScore(Number.NaN, 10, 1000, 0.1)).toBe(0);
    expect(answerScore(-1, 10, 1000, 0.1)).toBe(0);
    expect(answerScore(3, 0, 1000, 0.1)).toBe(1);
  });
});

describe('emaUpdate', () => {
  it('starts from 0 and converges to a constant score', () => {
    let v: number | undefined;
    for (let i = 0; i < 200; i++) v = emaUpdate(v, 0.9, 0.1);
    expect(emaUpdate(undefined, 1, 0.1)).toBeCloseTo(0.1, 12);
    expect(v).toBeCloseTo(0.9, 6);
  });
});

describe('weightsFromScores', () => {
  it('scales the best uid to 65535, rounds, sorts by uid and drops zeros', () => {
    const w = weightsFromScores(new Map([[4, 0.9], [1, 0], [3, 0.45], [2, 0.3]]));
    expect(w.uids).toEqual([2, 3, 4]);
    expect(w.weights).toEqual([Math.round((0.3 / 0.9) * 65535), Math.round((0.45 / 0.9) * 65535), 65535]);
  });
  it('is empty when nobody scored, and ignores non-finite scores and non-u16 uids', () => {
    expect(weightsFromScores(new Map([[1, 0], [2, -3]]))).toEqual({ uids: [], weights: [] });
    expect(weightsFromScores(new Map([[1, Number.NaN], [70000, 1], [2, 0.5]]))).toEqual({ uids: [2], weights: [65535] });
  });
});

describe('sample', () => {
  it('picks k distinct items, all of them when k is larger, deterministically per seed', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const a = sample(new Rng('s'), items, 5);
    expect(new Set(a).size).toBe(5);
    expect(sample(new Rng('s'), items, 5)).toEqual(a);
    expect(sample(new Rng('t'), items, 50).sort((x, y) => x - y)).toEqual(items);
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i)); // input untouched
  });
  it('is close to uniform', () => {
    const counts = new Array(10).fill(0);
    const rng = new Rng('uniform');
    for (let i = 0; i < 5000; i++) for (const x of sample(rng, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3)) counts[x]++;
    for (const c of counts) expect(Math.abs(c - 1500)).toBeLessThan(150);
  });
});

describe('parseRegistry', () => {
  it('reads members and normalises hotkeys to SS58 format 42', async () => {
    await keysReady();
    const a = keypair('//Alice//validator0').address;
    const members = parseRegistry(JSON.stringify({ netuid: 2, neurons: [{ uid: 0, hotkey: a, validatorPermit: true, stake: 10 }, { uid: 1, hotkey: keypair('//Bob').address }] }), 2);
    expect(members).toEqual([
      { uid: 0, hotkey: a, validatorPermit: true, stake: 10 },
      { uid: 1, hotkey: keypair('//Bob').address, validatorPermit: false, stake: 0 },
    ]);
  });
  it('names the field of every mistake', async () => {
    await keysReady();
    const a = keypair('//Alice').address;
    const bad = (doc: unknown, pattern: RegExp) => expect(() => parseRegistry(typeof doc === 'string' ? doc : JSON.stringify(doc), 2, 'r.json')).toThrow(pattern);
    bad('{', /r\.json: not JSON/);
    bad({ netuid: 3, neurons: [] }, /"netuid" is 3, expected 2/);
    bad({ netuid: 2, neurons: {} }, /"neurons" must be an array/);
    bad({ netuid: 2, neurons: [{ uid: -1, hotkey: a }] }, /neurons\[0\]\.uid must be a u16/);
    bad({ netuid: 2, neurons: [{ uid: 0, hotkey: 'nope' }] }, /neurons\[0\]\.hotkey "nope" is not an SS58 address/);
    bad({ netuid: 2, neurons: [{ uid: 0, hotkey: a }, { uid: 0, hotkey: keypair('//Bob').address }] }, /uid 0 appears twice/);
    bad({ netuid: 2, neurons: [{ uid: 0, hotkey: a }, { uid: 1, hotkey: a }] }, /appears twice/);
    bad({ netuid: 2, neurons: [{ uid: 0, hotkey: a, permit: true }] }, /unknown field "permit"/);
    expect(() => parseRegistry('[]', 2)).toThrow(RegistryError);
  });
});
