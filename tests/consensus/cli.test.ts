/** `webtensor yuma` as a user runs it: a real process, JSON on stdin or from a file, exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/webtensor.mjs', import.meta.url).pathname;

function yuma(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [BIN, 'yuma', ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

const snapshot = {
  variant: 'yuma2',
  block: 100,
  params: { kappa: 32767, bondsMovingAverage: 900000, activityCutoff: 5000, maxAllowedValidators: 64 },
  neurons: [
    { uid: 0, stake: 1000, lastUpdate: 99, registeredAt: 0, validatorPermit: true },
    { uid: 1, stake: 0, lastUpdate: 90, registeredAt: 0, validatorPermit: false },
    { uid: 2, stake: 0, lastUpdate: 90, registeredAt: 0, validatorPermit: false },
    { uid: 3, stake: 0, lastUpdate: 90, registeredAt: 0, validatorPermit: false },
  ],
  weights: { '0': [[1, 65535], [2, 32768], [3, 16384]] },
  bonds: {},
};

describe('webtensor yuma (CLI)', () => {
  it('prints the epoch result for a snapshot on stdin and from a file', () => {
    const fromStdin = yuma(['-'], JSON.stringify(snapshot));
    expect(fromStdin.stderr).toBe('');
    expect(fromStdin.code).toBe(0);
    const result = JSON.parse(fromStdin.stdout);
    expect(Object.keys(result).sort()).toEqual(
      ['bonds', 'consensus', 'dividends', 'incentive', 'serverEmissionShare', 'validatorEmissionShare', 'validatorPermit', 'validatorTrust'].sort(),
    );
    // One validator weighting three miners 4:2:1 — the chain measured incentive u16 [0, 37448, 18724, 9362].
    expect(result.incentive.map((x: number) => Math.floor(x * 65535))).toEqual([0, 37448, 18724, 9362]);
    expect(result.dividends.map((x: number) => Math.floor(x * 65535))).toEqual([65535, 0, 0, 0]);

    const dir = mkdtempSync(join(tmpdir(), 'webtensor-yuma-'));
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshot));
    const fromFile = yuma([join(dir, 'snapshot.json')]);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toEqual(result);
  });

  it.each([
    ['malformed JSON', '{"variant": ', /^webtensor yuma: malformed JSON/],
    ['an unknown field', JSON.stringify({ ...snapshot, extra: 1 }), /extra/],
    ['a negative stake', JSON.stringify({ ...snapshot, neurons: [{ ...snapshot.neurons[0], stake: -1 }, ...snapshot.neurons.slice(1)] }), /neurons\[0\]\.stake/],
    ['a weight out of u16 range', JSON.stringify({ ...snapshot, weights: { '0': [[1, 70000]] } }), /weights/],
    ['a weight row of a uid that does not exist', JSON.stringify({ ...snapshot, weights: { '9': [[1, 1]] } }), /weights/],
    ['kappa out of range', JSON.stringify({ ...snapshot, params: { kappa: 65536 } }), /params\.kappa/],
  ])('rejects %s with one line naming the field and exit 2', (_name, input, pattern) => {
    const run = yuma(['-'], input);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
  });

  it('says what is wrong with the arguments', () => {
    expect(yuma([]).code).toBe(2);
    const missing = yuma(['/nonexistent/snapshot.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/snapshot\.json/);
  });
});
