import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDigitsModel } from '../../scripts/lib/digits-models.ts';
import { digitsModel, sha256Hex, type DigitsTierName } from '../../src/subnets/index.ts';

const ROOT = join(import.meta.dirname, '../..');

// Rebuilding the cheap tiers in-process proves the training path (generator, init, Dense, Relu,
// softmax, Adam, ONNX writer) is deterministic and matches the committed files. The CNN takes about
// a minute: `npx tsx scripts/make-models.ts --check` verifies all four (set WEBTENSOR_SLOW_TESTS=1
// to include the CNN here).
const tiers: DigitsTierName[] = ['garbage', 'linear', 'mlp', ...(process.env.WEBTENSOR_SLOW_TESTS ? (['cnn'] as const) : [])];

describe('make-models reproducibility', () => {
  for (const tier of tiers) {
    it(`re-creates ${tier}.onnx byte for byte`, { timeout: tier === 'cnn' ? 300_000 : 60_000 }, () => {
      const built = buildDigitsModel(tier);
      const pin = digitsModel(tier);
      expect(sha256Hex(built.bytes)).toBe(pin.sha256);
      expect(built.bytes).toEqual(new Uint8Array(readFileSync(join(ROOT, pin.file))));
      expect(built.params).toBe(pin.params);
    });
  }
});

describe('make-models --check', () => {
  const cli = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
  const check = (manifest: string) =>
    spawnSync(process.execPath, [cli, 'scripts/make-models.ts', '--check', '--tiers', 'garbage', '--manifest', manifest], { cwd: ROOT, encoding: 'utf8' });

  it('exits 0 when the rebuilt model matches the manifest and 1 when a hash differs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webtensor-manifest-'));
    try {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'models/digits/manifest.json'), 'utf8'));
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify(manifest));
      const ok = check(good);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stderr).toMatch(/check passed/);

      manifest.models[0].sha256 = '0'.repeat(64);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify(manifest));
      const mismatch = check(bad);
      expect(mismatch.status, mismatch.stderr).toBe(1);
      expect(mismatch.stderr).toMatch(/MISMATCH garbage: rebuilt sha256 [0-9a-f]{64}, manifest 0{64}/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
