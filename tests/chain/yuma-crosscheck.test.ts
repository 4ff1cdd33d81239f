/**
 * webtensor's Yuma (the real `webtensor yuma` CLI) against the real subtensor runtime.
 *
 * chopsticks runs the spec-185 runtime from ../shared/chain (manual block building). A subnet gets
 * 4 validators with different stakes, 6 miners (one of them with a little stake and no permit) and
 * a tempo of 4. For every epoch we read the chain state at the block right before the epoch block
 * (the runtime runs the epoch in `on_initialize`, on its parent's state), turn it into a `yuma2`
 * snapshot, run it through `node bin/webtensor.mjs yuma -`, build the epoch block, and require the
 * stored incentive, dividends, consensus, validator trust, permits and bonds to match within ±1 u16.
 *
 * Epochs checked: the first one (no permits yet → no weights count), one with disagreeing weights
 * (clipping at consensus, a self-weight, a weight on a validator), and one with changed weights,
 * bonds from the previous epoch and a staked neuron that has gone inactive (activity cutoff).
 *
 * The spec is required: a missing spec fails this suite, it is never skipped. Every snapshot, the
 * CLI output, the chain's values and the diff are written to test-artifacts/chain-yuma/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubtensorClient, nextEpochBlock } from '../../src/chain/client.ts';
import { compareEpoch, formatMismatches } from '../../src/chain/compare.ts';
import { keypair } from '../../src/chain/keys.ts';
import { metagraphToSnapshot } from '../../src/chain/snapshot.ts';
import { ChainTxError } from '../../src/chain/tx.ts';
import type { Metagraph, YumaResultJson, YumaSnapshotJson } from '../../src/chain/types.ts';
import {
  DEFAULT_CHAIN_SPEC,
  REPO_ROOT,
  TAO,
  bootstrapSubnet,
  connectLocalClient,
  startLocalChain,
  type BootstrapResult,
  type LocalChain,
} from '../../relay/chain/index.ts';
import { runCli } from '../support/webtensor-process.ts';

const SPEC = resolve(REPO_ROOT, process.env.WEBTENSOR_CHAIN_SPEC ?? DEFAULT_CHAIN_SPEC);
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'chain-yuma');
const TEMPO = 4;

const jsonText = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);

/** Runs `node bin/webtensor.mjs yuma -` from the repository root with the snapshot on stdin. */
async function runYumaCli(snapshot: YumaSnapshotJson, timeoutMs = 60_000): Promise<YumaResultJson> {
  const { code, stdout, stderr } = await runCli(['yuma', '-'], { input: JSON.stringify(snapshot), timeoutMs });
  if (code !== 0) throw new Error(`webtensor yuma exited with ${code}:\n${stderr.trim()}`);
  try {
    return JSON.parse(stdout) as YumaResultJson;
  } catch (error) {
    throw new Error(`webtensor yuma printed no JSON (${(error as Error).message}):\n${stdout.slice(0, 2000)}\n${stderr}`);
  }
}

/** The chain's per-uid epoch outputs, for artifacts and messages. */
function chainOutputs(m: Metagraph) {
  return {
    block: m.block,
    lastEpochBlock: m.lastEpochBlock,
    incentive: m.neurons.map((x) => x.incentive),
    dividends: m.neurons.map((x) => x.dividends),
    consensus: m.neurons.map((x) => x.consensus),
    validatorTrust: m.neurons.map((x) => x.validatorTrust),
    rank: m.neurons.map((x) => x.rank),
    trust: m.neurons.map((x) => x.trust),
    validatorPermit: m.neurons.map((x) => x.validatorPermit),
    active: m.neurons.map((x) => x.active),
    emission: m.neurons.map((x) => x.emission.toString()),
    bonds: Object.fromEntries(m.neurons.filter((x) => x.bonds.length > 0).map((x) => [String(x.uid), x.bonds])),
  };
}

describe('webtensor yuma vs the real subtensor runtime (chopsticks, spec 185)', () => {
  let chain: LocalChain | undefined;
  let client: SubtensorClient;
  let subnet: BootstrapResult;
  let netuid: number;
  const uid: Record<string, number> = {};
  const timings: Record<string, number> = {};
  const t0 = Date.now();

  /**
   * Set-up errors (a missing spec above all) are kept and rethrown by every test, so that each one
   * FAILS with the reason; a throwing beforeAll would only mark them skipped.
   */
  let setupError: unknown;
  const ready = () => {
    if (setupError) throw setupError;
  };

  beforeAll(async () => {
    try {
      await setUp();
    } catch (error) {
      setupError = error;
    }
  });

  async function setUp() {
    if (!existsSync(SPEC)) {
      throw new Error(`the raw subtensor chain spec is missing: ${SPEC} — this suite needs it (it is never skipped)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    chain = await startLocalChain({ specPath: SPEC, buildBlockMode: 'Manual' });
    timings.chopsticksStartMs = chain.startupMs;
    client = await connectLocalClient(chain, { txTimeoutMs: 30_000 });
    const t = Date.now();
    subnet = await bootstrapSubnet(chain, client, {
      neurons: [
        { hotkey: '//Alice//validator0', coldkey: '//Alice', stake: 4000n * TAO },
        { hotkey: '//Alice//validator1', coldkey: '//Alice', stake: 2000n * TAO },
        { hotkey: '//Alice//validator2', coldkey: '//Alice', stake: 1200n * TAO },
        { hotkey: '//Charlie//validator3', coldkey: '//Charlie', stake: 900n * TAO },
        // Staked but 5th: no permit. miner4 gets weights from validators 1-3 only, so its consensus is
        // 0 if miner0's stake counted in the median (4000 + 500 > 8600 / 2) and > 0 if it is masked as
        // a non-validator's (4000 < 8100 / 2). The spec-185 runtime masks it.
        { hotkey: '//Bob//miner0', coldkey: '//Bob', stake: 500n * TAO },
        { hotkey: '//Bob//miner1', coldkey: '//Bob' },
        { hotkey: '//Bob//miner2', coldkey: '//Bob' },
        { hotkey: '//Bob//miner3', coldkey: '//Bob' },
        { hotkey: '//Dave//miner4', coldkey: '//Dave' },
        { hotkey: '//Dave//miner5', coldkey: '//Dave' },
      ],
      tempo: TEMPO,
      maxAllowedValidators: 4,
      emissionPerBlock: 1n * TAO,
    });
    timings.bootstrapMs = Date.now() - t;
    netuid = subnet.netuid;
    for (const n of subnet.neurons) uid[n.hotkey.split('//').pop() as string] = n.uid;
  }

  afterAll(async () => {
    await client?.disconnect().catch(() => undefined);
    await chain?.stop();
    timings.totalMs = Date.now() - t0;
    console.log(`chain cross-check timings: ${JSON.stringify(timings)}`);
    if (chain) {
      // stop() must leave nothing behind: chopsticks' whole process group is gone.
      let alive = true;
      try {
        process.kill(-chain.pid, 0);
      } catch {
        alive = false;
      }
      expect(alive, `chopsticks process group ${chain.pid} is still alive after stop()`).toBe(false);
    }
  });

  const hotkeyOf = (name: string) => subnet.neurons.find((n) => n.hotkey.endsWith(`//${name}`))!.hotkeyPair;

  /** Sets weights (by role name → u16) from several validators in one block. */
  async function setWeights(rows: Record<string, Record<string, number>>) {
    const items = await Promise.all(
      Object.entries(rows).map(async ([validator, row]) => ({
        tx: await client.setWeightsTx(netuid, Object.keys(row).map((k) => uid[k]), Object.values(row)),
        signer: hotkeyOf(validator),
      })),
    );
    await client.sendAll(items);
  }

  /**
   * Builds blocks up to the one before the subnet's next epoch, snapshots the state there, builds
   * the epoch block, runs webtensor on the snapshot and compares with what the runtime stored.
   */
  async function crossCheckNextEpoch(label: string) {
    const started = Date.now();
    let head = await client.head();
    const tempo = (await client.hyperparameters(netuid)).tempo;
    const epochBlock = nextEpochBlock(netuid, tempo, head.number);
    expect(epochBlock - head.number).toBeLessThanOrEqual(tempo + 1);
    if (epochBlock - 1 > head.number) await chain!.newBlock(epochBlock - 1 - head.number);
    head = await client.head();
    expect(head.number).toBe(epochBlock - 1);

    const before = await client.metagraph(netuid, head.hash);
    expect(before.lastEpochBlock).toBeLessThan(epochBlock);
    const snapshot = metagraphToSnapshot(before, { variant: 'yuma2', block: epochBlock });
    writeFileSync(join(ARTIFACTS, `${label}.snapshot.json`), jsonText(snapshot));

    const blockStarted = Date.now();
    const epochHash = await chain!.newBlock(1);
    timings[`${label}.epochBlockMs`] = Date.now() - blockStarted;
    const after = await client.metagraph(netuid, epochHash);
    // The runtime ran the epoch exactly in the block we predicted: (block + netuid + 1) % (tempo + 1) == tempo.
    expect(after.block).toBe(epochBlock);
    expect(after.lastEpochBlock).toBe(epochBlock);
    writeFileSync(join(ARTIFACTS, `${label}.chain.json`), jsonText(chainOutputs(after)));

    const cliStarted = Date.now();
    let ours: YumaResultJson;
    try {
      ours = await runYumaCli(snapshot);
    } catch (error) {
      writeFileSync(join(ARTIFACTS, `${label}.diff.txt`), `webtensor yuma failed: ${(error as Error).message}\n`);
      throw new Error(`${label}: ${(error as Error).message}\n(snapshot: ${join(ARTIFACTS, `${label}.snapshot.json`)})`);
    }
    timings[`${label}.cliMs`] = Date.now() - cliStarted;
    writeFileSync(join(ARTIFACTS, `${label}.ours.json`), jsonText(ours));

    const mismatches = compareEpoch(after, ours, { tolerance: 1 });
    const diff = formatMismatches(mismatches);
    writeFileSync(join(ARTIFACTS, `${label}.diff.txt`), mismatches.length ? `${diff}\n` : 'no mismatches\n');
    timings[`${label}.totalMs`] = Date.now() - started;
    if (mismatches.length > 0) {
      console.error(`${label} (epoch block ${epochBlock}): ${mismatches.length} mismatches (uid, field, chain u16, ours u16):\n${diff}\n` +
        `snapshot: ${join(ARTIFACTS, `${label}.snapshot.json`)}\n${JSON.stringify(snapshot)}`);
    }
    expect(mismatches, `${label}: webtensor differs from the runtime (artifacts in ${ARTIFACTS}):\n${diff}`).toEqual([]);
    return { before, after, snapshot, ours, epochBlock };
  }

  it('runs the real runtime from the raw spec and bootstraps a subnet', async () => {
    ready();
    expect(client.api.runtimeVersion.specName.toString()).toBe('node-subtensor');
    const m = await client.metagraph(netuid);
    expect(m.n).toBe(10);
    expect(m.hyperparameters.tempo).toBe(TEMPO);
    // Call shapes come from metadata: spec 185 is pre-dTAO.
    expect(client.callArgs('subtensorModule', 'addStake')).toEqual(['hotkey', 'amountStaked']);
    expect(client.callArgs('subtensorModule', 'registerNetwork')).toEqual([]);
    expect(m.neurons[uid.validator0].stake).toBe(4000n * TAO);
    expect(m.neurons[uid.miner0].stake).toBe(500n * TAO);
  });

  it('epoch 0: permits go to the top-4 stakes; webtensor agrees with the chain', async () => {
    ready();
    const { after } = await crossCheckNextEpoch('epoch0');
    expect(after.neurons.map((n) => n.validatorPermit)).toEqual(
      after.neurons.map((n) => ['validator0', 'validator1', 'validator2', 'validator3'].some((v) => uid[v] === n.uid)),
    );
  });

  it('epoch 1: disagreeing validators (clipping, self-weight, weight on a validator)', async () => {
    ready();
    await setWeights({
      validator0: { miner0: 65535, miner1: 40000, miner2: 20000, miner3: 5000 },
      validator1: { miner0: 30000, miner1: 65535, miner2: 10000, miner4: 30000, validator1: 20000 },
      validator2: { miner1: 10000, miner2: 65535, miner3: 30000, miner4: 20000, miner5: 50000 },
      validator3: { miner5: 65535, miner4: 65535, validator0: 10000 },
    });
    const { after } = await crossCheckNextEpoch('epoch1');
    // Sanity: the epoch produced miner incentive and validator dividends.
    expect(after.neurons.some((n) => n.incentive > 0)).toBe(true);
    expect(after.neurons[uid.validator0].dividends).toBeGreaterThan(0);
  });

  it('epoch 2: changed weights, bonds carried over, a staked neuron gone inactive', async () => {
    ready();
    const head = await client.head();
    const tempo = (await client.hyperparameters(netuid)).tempo;
    const epochBlock = nextEpochBlock(netuid, tempo, head.number);
    const miner0 = (await client.metagraph(netuid)).neurons[uid.miner0];
    // miner0 (staked, never sets weights) becomes inactive at this epoch; validators stay active.
    const activityCutoff = epochBlock - miner0.lastUpdate - 1;
    await client.sudoBatch(subnet.sudo, [client.adminCall('sudoSetActivityCutoff', { netuid, activityCutoff })]);
    await setWeights({
      validator2: { miner0: 65535, miner5: 65535 },
      validator3: { miner5: 65535, miner1: 20000, miner2: 40000 },
    });
    const { before, after } = await crossCheckNextEpoch('epoch2');
    expect(before.neurons.some((n) => n.bonds.length > 0)).toBe(true);
    expect(after.neurons[uid.miner0].active).toBe(false);
    expect(after.neurons[uid.validator0].active).toBe(true);
  });

  it('surfaces module errors by name, and invalid transactions', async () => {
    ready();
    const validator0 = hotkeyOf('validator0');
    // The runtime accepts any key >= the subnet's WeightsVersionKey (and any key while it is 0).
    await client.sudoBatch(subnet.sudo, [client.adminCall('sudoSetWeightsVersionKey', { netuid, weightsVersionKey: 7 })]);
    expect((await client.hyperparameters(netuid)).weightsVersionKey).toBe(7n);
    const wrongKey = client.setWeights(validator0, netuid, [uid.miner1], [65535], 6n);
    await expect(wrongKey).rejects.toBeInstanceOf(ChainTxError);
    await expect(wrongKey).rejects.toMatchObject({
      kind: 'module',
      details: { errorName: expect.stringMatching(/^SubtensorModule\.Incorrect(Network|Weight)VersionKey$/) },
    });

    await client.sudoBatch(subnet.sudo, [client.adminCall('sudoSetWeightsSetRateLimit', { netuid, weightsSetRateLimit: 100 })]);
    await client.setWeights(validator0, netuid, [uid.miner1], [65535]).catch(() => undefined); // may or may not pass the limit
    await expect(client.setWeights(validator0, netuid, [uid.miner2], [65535])).rejects.toMatchObject({
      kind: 'module',
      details: { errorName: 'SubtensorModule.SettingWeightsTooFast' },
    });

    // A failing call inside sudo(batchAll(...)) is a failure, not the outer ExtrinsicSuccess.
    const notSudo = client.sudoBatch(keypair('//Bob'), [client.adminCall('sudoSetTempo', { netuid, tempo: 5 })]);
    await expect(notSudo).rejects.toMatchObject({ kind: 'module', details: { errorName: 'Sudo.RequireSudo' } });
    const badInner = client.sudoBatch(subnet.sudo, [client.adminCall('sudoSetTempo', { netuid: 999, tempo: 5 })]);
    await expect(badInner).rejects.toMatchObject({ kind: 'module' });

    // A stale nonce is rejected as invalid.
    const stale = client.send(client.api.tx.system.remark('0x00'), keypair('//Alice'), { nonce: 0 });
    await expect(stale).rejects.toMatchObject({ kind: 'invalid' });
  });
});
