/**
 * The network on loopback: a relay, a validator and four Node miners of known quality (garbage,
 * linear, mlp, cnn) registered in a registry file. Miners sit behind the relay (circuit
 * reservations); the validator finds them by their signed announces, challenges each on a direct
 * stream through the relay, scores the answers and sets weights. After a few rounds the weights
 * order the miners by model quality and the garbage miner gets none.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { startRelay, type Relay } from '../../relay/relay/node.ts';
import { fileRegistry } from '../../relay/registry/registry.ts';
import { startNodeMiner, type NodeMiner } from '../../relay/miner/node-miner.ts';
import { startValidator, type Validator } from '../../relay/validator/validator.ts';
import { until } from '../support/until.ts';

const NETUID = 3;
const TIERS = ['garbage', 'linear', 'mlp', 'cnn'] as const;
const dir = mkdtempSync(join(tmpdir(), 'webtensor-mesh-'));
const stops: Array<() => Promise<unknown>> = [];


afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('relay + validator + Node miners', () => {
  let relay: Relay;
  let validator: Validator;
  const miners: NodeMiner[] = [];
  const registryFile = join(dir, 'registry.json');

  beforeAll(async () => {
    await keysReady();
    const validatorKey = keypair('//Alice//validator0');
    const minerKeys = TIERS.map((_, i) => keypair(`//Bob//miner${i}`));
    writeFileSync(
      registryFile,
      JSON.stringify({
        netuid: NETUID,
        neurons: [
          { uid: 0, hotkey: validatorKey.address, validatorPermit: true, stake: 1000 },
          ...minerKeys.map((k, i) => ({ uid: i + 1, hotkey: k.address })),
        ],
      }),
    );
    relay = await startRelay({ port: 0, httpPort: 0, keyFile: join(dir, 'relay.key'), netuids: [NETUID] });
    stops.push(() => relay.stop());
    const registry = fileRegistry(registryFile, NETUID);
    for (const [i, tier] of TIERS.entries()) {
      const m = await startNodeMiner({ relays: relay.multiaddrs, netuid: NETUID, taskId: 'digits-v1', model: tier, hotkey: minerKeys[i], registry, announceEveryMs: 1_000 });
      stops.push(() => m.stop());
      miners.push(m);
    }
    validator = await startValidator({
      relays: relay.multiaddrs,
      netuid: NETUID,
      taskId: 'digits-v1',
      hotkey: validatorKey,
      dbPath: join(dir, 'validator.db'),
      registry,
      roundIntervalMs: 0,
      weightsEveryRounds: 4,
      scoring: { emaAlpha: 0.3, latencyWeight: 0.1 },
      http: { host: '127.0.0.1', port: 0 },
    });
    stops.push(() => validator.stop());
    await until('every miner announced', () => validator.live().length === TIERS.length);
  }, 60_000);

  it('orders the miners by quality and gives the garbage miner nothing', async () => {
    let weights: { uids: number[]; weights: number[] } | undefined;
    for (let r = 0; r < 4; r++) {
      const report = await validator.runRound();
      expect(report.challenged).toBe(TIERS.length);
      for (const o of report.outcomes) expect(o.outcome, `${o.uid}: ${o.reason}`).toBe('scored');
      weights = report.weights ?? weights;
    }
    expect(weights).toBeDefined();
    const w = new Map(weights!.uids.map((u, i) => [u, weights!.weights[i]]));
    expect(w.get(1) ?? 0).toBe(0); // garbage
    expect(w.get(4)).toBe(65535); // cnn
    expect(w.get(3)!).toBeGreaterThan(w.get(2)!);
    expect(w.get(4)!).toBeGreaterThan(w.get(3)!);
    expect(w.get(2)!).toBeGreaterThan(0);
    const scores = await (await fetch(`${validator.httpUrl}/scores`)).json();
    expect(scores.round).toBe(4);
    // No chain: the validator ran the epoch itself (src/consensus) on its weights.
    expect(scores.epoch.source).toBe('off-chain');
    const incentive: number[] = scores.epoch.incentive;
    expect(incentive[1]).toBe(0);
    expect(incentive[4]).toBeGreaterThan(incentive[3]);
    expect(incentive[3]).toBeGreaterThan(incentive[2]);
    expect(incentive[2]).toBeGreaterThan(0);
    expect(scores.epoch.dividends[0]).toBeCloseTo(1, 6);
  }, 60_000);
});
