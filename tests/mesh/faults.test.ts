/**
 * Faults and hostile input on loopback, with the validator as a real `webtensor validator` process:
 * - a hostile miner answers with malformed, forged, replayed and oversized frames: each is rejected,
 *   counted by reason on the validator's /metrics, scored 0, and the validator keeps running;
 * - SIGKILL of the validator mid-run: a restart with the same database resumes from the committed
 *   round with every score and the queued weights intact;
 * - a relay restart: every miner is back (connected, re-announced and scored) within 10 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { createPeer, serveRequests, type WebtensorPeer } from '../../src/p2p/index.ts';
import { CHALLENGE_PROTOCOL, decodeMessage, encodeMessage, MAX_ENVELOPE_BYTES, protocolReady, topics } from '../../src/protocol/index.ts';
import { Envelope } from '../../src/protocol/webtensor.ts';
import { startRelay, type Relay } from '../../relay/relay/node.ts';
import { fileRegistry } from '../../relay/registry/registry.ts';
import { startNodeMiner, type NodeMiner } from '../../relay/miner/node-miner.ts';
import { ValidatorStore, type ScoreRow } from '../../relay/validator/store.ts';
import { freePort, startCli, until, type CliProcess } from '../support/webtensor-process.ts';

const NETUID = 5;
const dir = mkdtempSync(join(tmpdir(), 'webtensor-faults-'));
const registryFile = join(dir, 'registry.json');
const dbPath = join(dir, 'validator.db');
const relayKey = join(dir, 'relay.key');
const cleanups: Array<() => Promise<unknown>> = [];

interface Scores {
  round: number;
  scores: ScoreRow[];
  pending: number;
}

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

/** A registered miner that answers every challenge badly, in turn: each kind of hostile frame. */
async function hostileMiner(relays: string[], hotkeyUri: string) {
  const hotkey = keypair(hotkeyUri);
  const mallory = keypair('//Mallory');
  const peer = await createPeer({ relays, listenOnRelay: true });
  await peer.ready();
  const kinds = ['malformed', 'forged', 'bad-signature', 'replayed', 'oversized'] as const;
  const sent: string[] = [];
  let previous: Uint8Array | undefined;
  await serveRequests(
    peer.node,
    CHALLENGE_PROTOCOL,
    async (frame, from) => {
      const challenge = decodeMessage(frame, { expectedKind: 'challenge', expectedPeerId: from.toString() });
      const kind = kinds[sent.length % kinds.length];
      sent.push(kind);
      const answer = (signer = hotkey) =>
        encodeMessage(
          'answer',
          { challengeId: challenge.payload.challengeId, nonce: challenge.payload.nonce, miner: signer.address, outputs: {}, inferenceMs: 1, provider: 'cpu', error: 'no model' },
          signer,
          { peerId: peer.peerId.toString() },
        );
      switch (kind) {
        case 'malformed':
          return new Uint8Array(randomBytes(200));
        case 'forged':
          return answer(mallory); // signed by a key the challenge was not for
        case 'bad-signature': {
          const env = Envelope.decode(await answer());
          env.signature[0] ^= 0xff;
          return Envelope.encode(env);
        }
        case 'replayed': {
          if (!previous) previous = await answer();
          return previous; // the same envelope twice: the second one is a replay
        }
        case 'oversized':
          return new Uint8Array(MAX_ENVELOPE_BYTES + 1024);
      }
    },
    { maxBytes: MAX_ENVELOPE_BYTES },
  );
  const announce = async () =>
    peer.node.services.pubsub.publish(
      topics(NETUID).announce,
      await encodeMessage('announce', { netuid: NETUID, modelId: 'hostile', modelSha256: '00'.repeat(32), provider: 'cpu', multiaddrs: peer.dialableAddresses() }, hotkey, {
        peerId: peer.peerId.toString(),
      }),
    );
  peer.node.services.pubsub.subscribe(topics(NETUID).announce);
  const timer = setInterval(() => void announce().catch(() => {}), 500);
  return { peer, sent, stop: async () => (clearInterval(timer), peer.stop()) };
}

describe('faults: hostile answers, validator SIGKILL, relay restart', () => {
  let relay: Relay;
  let relayPort: number;
  let httpPort: number;
  let validator: CliProcess;
  let hostile: Awaited<ReturnType<typeof hostileMiner>>;
  const miners: NodeMiner[] = [];
  let validatorArgs: string[];

  const scores = async (): Promise<Scores> => (await fetch(`http://127.0.0.1:${httpPort}/scores`)).json() as Promise<Scores>;
  const metrics = async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const startValidatorProcess = () => {
    const p = startCli(validatorArgs);
    cleanups.push(() => p.kill('SIGKILL'));
    return p;
  };

  beforeAll(async () => {
    await Promise.all([keysReady(), protocolReady()]);
    writeFileSync(
      registryFile,
      JSON.stringify({
        netuid: NETUID,
        neurons: [
          { uid: 0, hotkey: keypair('//Alice//validator0').address, validatorPermit: true, stake: 1000 },
          { uid: 1, hotkey: keypair('//Bob//miner0').address },
          { uid: 2, hotkey: keypair('//Bob//miner1').address },
          { uid: 3, hotkey: keypair('//Eve//hostile').address },
        ],
      }),
    );
    [relayPort, httpPort] = [await freePort(), await freePort()];
    relay = await startRelay({ port: relayPort, httpPort: 0, keyFile: relayKey, netuids: [NETUID] });
    cleanups.push(() => relay.stop());
    const registry = fileRegistry(registryFile, NETUID);
    for (const [i, model] of (['linear', 'cnn'] as const).entries()) {
      const m = await startNodeMiner({ relays: relay.multiaddrs, netuid: NETUID, taskId: 'digits-v1', model, hotkey: keypair(`//Bob//miner${i}`), registry, announceEveryMs: 1_000 });
      cleanups.push(() => m.stop());
      miners.push(m);
    }
    hostile = await hostileMiner(relay.multiaddrs, '//Eve//hostile');
    cleanups.push(() => hostile.stop());
    validatorArgs = [
      'validator',
      `--relay=${relay.multiaddrs[0]}`,
      `--registry=${registryFile}`,
      '--hotkey=//Alice//validator0',
      `--netuid=${NETUID}`,
      `--db=${dbPath}`,
      '--round-ms=150',
      '--weights-every=3',
      '--timeout-ms=3000',
      '--batch=16',
      `--http-port=${httpPort}`,
    ];
    validator = startValidatorProcess();
    await validator.waitFor(/validator: http on/, 60_000);
  }, 120_000);

  it('rejects every hostile answer by reason, counts it on /metrics, scores it 0 and keeps running', async () => {
    await until('five hostile answers', () => hostile.sent.length >= 6, 30_000);
    await until('the rejections on /metrics', async () => {
      const text = await metrics();
      return ['malformed', 'unbound', 'bad-signature', 'replayed', 'oversized'].every((r) =>
        new RegExp(`^webtensor_validator_rejections_total\\{reason="${r}"\\} [1-9]`, 'm').test(text),
      );
    }, 15_000);
    const s = await scores();
    const byUid = new Map(s.scores.map((r) => [r.uid, r]));
    expect(byUid.get(3)?.ema).toBe(0);
    expect(byUid.get(2)!.ema).toBeGreaterThan(byUid.get(1)!.ema);
    expect(validator.child.exitCode).toBeNull();
  }, 60_000);

  it('SIGKILL mid-run loses nothing: the restart resumes from the committed round and scores', async () => {
    await until('a few weight vectors', async () => (await scores()).round >= 9, 30_000);
    const before = await scores();
    expect(await validator.kill('SIGKILL')).toBe('SIGKILL');

    const store = new ValidatorStore(dbPath);
    const committed = { round: store.round, scores: store.scores(), weights: store.latestWeights() };
    store.close();
    expect(committed.round).toBeGreaterThanOrEqual(before.round);
    for (const row of before.scores) {
      const after = committed.scores.find((r) => r.uid === row.uid)!;
      expect(after.samples).toBeGreaterThanOrEqual(row.samples);
    }
    expect(committed.weights?.uids).toContain(2);

    validator = startValidatorProcess();
    await validator.waitFor(/validator: http on/, 60_000);
    const resumed = await scores();
    expect(resumed.round).toBeGreaterThanOrEqual(committed.round);
    for (const row of committed.scores) {
      const now = resumed.scores.find((r) => r.uid === row.uid)!;
      expect(now.samples).toBeGreaterThanOrEqual(row.samples);
      if (now.samples === row.samples) expect(now.ema).toBe(row.ema);
    }
    expect(validator.output()).toMatch(new RegExp(`state in .* \\(round ${committed.round}\\)`));
    await until('rounds after the restart', async () => (await scores()).round > committed.round + 2, 30_000);
  }, 120_000);

  it('after a relay restart every miner is back within 10 s', async () => {
    await relay.stop();
    await until('the miners to notice', () => miners.every((m) => !m.peer.relayConnected()), 5_000);
    const restartedAt = Date.now();
    relay = await startRelay({ port: relayPort, httpPort: 0, keyFile: relayKey, netuids: [NETUID] });
    cleanups.push(() => relay.stop());
    const peers: WebtensorPeer[] = [...miners.map((m) => m.peer), hostile.peer];
    await until('every miner reconnected with a circuit address', () => peers.every((p) => p.relayConnected() && p.dialableAddresses().length > 0), 10_000);
    const reconnectedMs = Date.now() - restartedAt;
    const roundAtRestart = (await scores()).round;
    await until(
      'both honest miners scored again',
      async () => {
        const s = await scores();
        return [1, 2].every((uid) => {
          const row = s.scores.find((r) => r.uid === uid);
          return row !== undefined && row.lastRound > roundAtRestart && row.lastScore > 0;
        });
      },
      10_000,
    );
    const backMs = Date.now() - restartedAt;
    console.log(`relay restart: miners reconnected in ${reconnectedMs} ms, scored again ${backMs} ms after the restart`);
    expect(backMs).toBeLessThan(10_000);
  }, 60_000);
});
