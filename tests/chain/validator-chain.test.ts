/**
 * The validator on the real subtensor runtime (chopsticks on the spec-185 raw spec): a validator
 * and four Node miners of known quality (garbage, linear, mlp, cnn), all registered on chain.
 * The validator takes the subnet's members from the metagraph, scores the miners through the relay
 * and submits set_weights; after two epochs the chain's Incentive orders the miners by quality,
 * the garbage miner's is 0, and the validator's own check of each epoch against src/consensus
 * found them equal within ±1 u16. Then the chain endpoint goes away (a TCP proxy the test cuts):
 * the weight submission made meanwhile is queued, retried, and lands once the endpoint is back.
 *
 * The spec is required: a missing spec fails this suite, it is never skipped.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubtensorClient, nextEpochBlock } from '../../src/chain/client.ts';
import { bootstrapSubnet, connectLocalClient, devNeurons, REPO_ROOT, startLocalChain, TAO, DEFAULT_CHAIN_SPEC, type BootstrapResult, type LocalChain } from '../../relay/chain/index.ts';
import { startRelay, type Relay } from '../../relay/relay/node.ts';
import { chainRegistry } from '../../relay/registry/registry.ts';
import { startNodeMiner } from '../../relay/miner/node-miner.ts';
import { onChain } from '../../relay/validator/chain-sink.ts';
import { startValidator, type Validator } from '../../relay/validator/validator.ts';
import { freePort } from '../support/webtensor-process.ts';
import { until } from '../support/until.ts';

const SPEC = join(REPO_ROOT, DEFAULT_CHAIN_SPEC);
const TIERS = ['garbage', 'linear', 'mlp', 'cnn'] as const;
const TEMPO = 10;
const dir = mkdtempSync(join(tmpdir(), 'webtensor-validator-chain-'));
const cleanups: Array<() => Promise<unknown>> = [];

/** A TCP proxy in front of the chain's RPC port that the test can cut and restore. */
async function chainProxy(target: number, port: number) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((inbound) => {
        const outbound = connect(target, '127.0.0.1');
        for (const s of [inbound, outbound]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        inbound.pipe(outbound).pipe(inbound);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    });
  await up();
  return { endpoint: `ws://127.0.0.1:${port}`, up, down };
}

describe('validator on the real runtime', () => {
  let chain: LocalChain;
  let setupClient: SubtensorClient;
  let validatorClient: SubtensorClient;
  let subnet: BootstrapResult;
  let relay: Relay;
  let validator: Validator;
  let proxy: Awaited<ReturnType<typeof chainProxy>>;
  let setupError: unknown;
  const ready = () => {
    if (setupError) throw setupError;
  };
  const uidOf = (hotkey: string) => subnet.neurons.find((n) => n.hotkey === hotkey)!.uid;
  const metric = async (name: string) => {
    const text = await (await fetch(`${validator.httpUrl}/metrics`)).text();
    return Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  };

  beforeAll(async () => {
    try {
      if (!existsSync(SPEC)) throw new Error(`the raw subtensor chain spec is missing: ${SPEC} — this suite needs it (it is never skipped)`);
      chain = await startLocalChain({ specPath: SPEC, buildBlockMode: 'Manual' });
      cleanups.push(() => chain.stop());
      setupClient = await connectLocalClient(chain, { txTimeoutMs: 30_000 });
      cleanups.push(() => setupClient.disconnect());
      subnet = await bootstrapSubnet(chain, setupClient, { neurons: devNeurons([1_000n * TAO], TIERS.length), tempo: TEMPO, emissionPerBlock: 1n * TAO });
      const netuid = subnet.netuid;
      // Validator permits are handed out by the epoch: run the first one before anyone validates.
      const head = await setupClient.head();
      await chain.newBlock(nextEpochBlock(netuid, TEMPO, head.number) - head.number);

      proxy = await chainProxy(chain.port, await freePort());
      cleanups.push(() => proxy.down());
      validatorClient = await SubtensorClient.connect(proxy.endpoint, { blockProducer: (n) => chain.newBlock(n), txTimeoutMs: 8_000 });
      cleanups.push(() => validatorClient.disconnect());

      relay = await startRelay({ port: 0, httpPort: 0, keyFile: join(dir, 'relay.key'), netuids: [netuid] });
      cleanups.push(() => relay.stop());
      const registry = chainRegistry(setupClient, netuid, 1_000);
      for (const [i, model] of TIERS.entries()) {
        const hotkey = subnet.neurons.find((n) => n.hotkey === `//Bob//miner${i}`)!.hotkeyPair;
        const m = await startNodeMiner({ relays: relay.multiaddrs, netuid, taskId: 'digits-v1', model, hotkey, registry, announceEveryMs: 1_000 });
        cleanups.push(() => m.stop());
      }
      const hotkey = subnet.neurons.find((n) => n.hotkey === '//Alice//validator0')!.hotkeyPair;
      validator = await startValidator({
        relays: relay.multiaddrs,
        netuid,
        taskId: 'digits-v1',
        hotkey,
        dbPath: join(dir, 'validator.db'),
        registry: chainRegistry(validatorClient, netuid, 1_000),
        roundIntervalMs: 0,
        weightsEveryRounds: 3,
        batch: 32,
        scoring: { emaAlpha: 0.3, latencyWeight: 0.1 },
        ...onChain(validatorClient, hotkey, netuid),
        http: { host: '127.0.0.1', port: 0 },
      });
      cleanups.push(() => validator.stop());
      await until('every miner live', () => validator.live().length === TIERS.length, 30_000);
    } catch (error) {
      setupError = error;
    }
  }, 240_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts weights on chain; after two epochs Incentive orders the miners by quality and matches src/consensus', async () => {
    ready();
    const netuid = subnet.netuid;
    for (let r = 0; r < 3; r++) {
      const report = await validator.runRound();
      for (const o of report.outcomes) expect(o.outcome, `${o.uid}: ${o.reason}`).toBe('scored');
    }
    const validatorUid = uidOf('//Alice//validator0');
    await until('the weights on chain', async () => (await setupClient.metagraph(netuid)).neurons[validatorUid].weights.length > 0, 30_000);
    expect(validator.store.pendingWeights()).toHaveLength(0);

    // Two epochs after the weights landed, each checked by the validator against src/consensus.
    for (let epoch = 0; epoch < 2; epoch++) {
      const head = await setupClient.head();
      const target = nextEpochBlock(netuid, TEMPO, head.number);
      await chain.newBlock(target - head.number);
      const want = epoch + 1;
      await until(`the validator's check of epoch ${want}`, async () => (await metric('webtensor_validator_chain_epochs_total{result="match"}')) >= want, 20_000);
    }
    expect(await metric('webtensor_validator_chain_epochs_total{result="diverged"}')).toBe(0);
    expect(await metric('webtensor_validator_chain_divergence_u16')).toBeLessThanOrEqual(1);

    const mg = await setupClient.metagraph(netuid);
    const incentive = TIERS.map((_, i) => mg.neurons[uidOf(`//Bob//miner${i}`)].incentive);
    console.log(`chain incentive (u16) garbage/linear/mlp/cnn: ${incentive.join(' / ')}`);
    expect(incentive[0]).toBe(0);
    expect(incentive[1]).toBeGreaterThan(0);
    expect(incentive[2]).toBeGreaterThan(incentive[1]);
    expect(incentive[3]).toBeGreaterThan(incentive[2]);
  }, 180_000);

  it('queues a weight submission while the chain is down and lands it when the chain is back', async () => {
    ready();
    const netuid = subnet.netuid;
    const validatorUid = uidOf('//Alice//validator0');
    const lastUpdate = async () => (await setupClient.metagraph(netuid)).neurons[validatorUid].lastUpdate;
    const before = await lastUpdate();
    await proxy.down();
    for (let r = 0; r < 3; r++) await validator.runRound(); // scores still flow; the chain sink fails
    await until('the failed submission queued', () => validator.store.pendingWeights().some((w) => w.remaining.includes('chain') && w.attempts > 0), 30_000);
    const queued = validator.store.pendingWeights().find((w) => w.remaining.includes('chain'))!;
    expect(queued.lastError).toBeTruthy();
    await chain.newBlock(2);
    expect(await lastUpdate()).toBe(before);

    await proxy.up();
    await until('the queued weights on chain', async () => {
      await validator.flushWeights();
      return validator.store.pendingWeights().length === 0;
    }, 60_000);
    expect(await lastUpdate()).toBeGreaterThan(before);
  }, 120_000);
});
