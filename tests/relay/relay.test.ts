/**
 * The relay end to end on 127.0.0.1: two Node libp2p peers dial it over WebSockets and exchange a
 * signed announce through it; bad messages are rejected by the relay's topic validator (counted by
 * reason on /metrics, lowering the sender's gossipsub score) and never reach the other peer;
 * /health and /bootstrap answer; a restart with the same key file keeps the PeerId.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { webSockets } from '@libp2p/websockets';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { encodeMessage, protocolReady, topics, type AnnouncePayload } from '../../src/protocol/index.ts';
import { Envelope } from '../../src/protocol/webtensor.ts';
import { configFromArgs, relayCommand } from '../../relay/relay/command.ts';
import { startRelay, type Relay } from '../../relay/relay/node.ts';
import { until } from '../support/until.ts';

const NETUID = 7;
const TOPIC = topics(NETUID).announce;
const dir = mkdtempSync(join(tmpdir(), 'webtensor-relay-'));
/** Everything started here, stopped in afterAll. */
const started: Array<{ stop(): unknown }> = [];

type Peer = Libp2p<{ pubsub: GossipSub }>;

async function peer(): Promise<Peer> {
  const node = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, scoreParams: { IPColocationFactorWeight: 0 } }),
    },
  });
  started.push(node);
  return node;
}

/** getMeshPeers is on the implementation, not the GossipSub interface. */
function meshPeers(node: Peer): string[] {
  return (node.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(TOPIC).map(String);
}


async function metrics(relay: Relay): Promise<string> {
  const res = await fetch(`${relay.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

function rejected(text: string, reason: string): number {
  const m = text.match(new RegExp(`^webtensor_relay_gossip_rejections_total\\{reason="${reason}"\\} (\\d+)`, 'm'));
  return m ? Number(m[1]) : 0;
}

function announce(overrides: Partial<AnnouncePayload> = {}): AnnouncePayload {
  return { netuid: NETUID, modelId: 'mlp-small', modelSha256: 'ab'.repeat(32), provider: 'wasm', multiaddrs: [], ...overrides };
}

afterAll(async () => {
  await Promise.allSettled(started.map(async (n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('relay', () => {
  let relay: Relay;
  let alice: Peer;
  let bob: Peer;
  const bobGot: Uint8Array[] = [];
  const miner = () => keypair('//Alice//miner0');

  beforeAll(async () => {
    await Promise.all([protocolReady(), keysReady()]);
    relay = await startRelay({ port: 0, httpPort: 0, keyFile: join(dir, 'relay.key'), netuids: [NETUID] });
    started.push(relay);
    [alice, bob] = await Promise.all([peer(), peer()]);
    const addr = multiaddr(relay.multiaddrs[0]);
    await Promise.all([alice.dial(addr), bob.dial(addr)]);
    bob.services.pubsub.addEventListener('message', (e) => {
      if (e.detail.topic === TOPIC) bobGot.push(e.detail.data);
    });
    alice.services.pubsub.subscribe(TOPIC);
    bob.services.pubsub.subscribe(TOPIC);
    const relayId = relay.node.peerId.toString();
    await until('a mesh through the relay', () => {
      const subs = relay.node.services.pubsub.getSubscribers(TOPIC).map(String);
      return (
        subs.includes(alice.peerId.toString()) &&
        subs.includes(bob.peerId.toString()) &&
        meshPeers(alice).includes(relayId) &&
        meshPeers(bob).includes(relayId)
      );
    });
  }, 20_000);

  it('forwards a signed message from one peer to the other', async () => {
    const bytes = await encodeMessage('announce', announce(), miner(), { peerId: alice.peerId.toString() });
    await alice.services.pubsub.publish(TOPIC, bytes);
    await until('bob to receive it', () => bobGot.length === 1, 5_000);
    expect(Buffer.from(bobGot[0]).equals(Buffer.from(bytes))).toBe(true);
    const text = await metrics(relay);
    expect(text).toMatch(new RegExp(`^webtensor_relay_gossip_messages_in_total\\{topic="${TOPIC}"\\} 1$`, 'm'));
    expect(text).toMatch(/^webtensor_relay_peers 2$/m);
    // A replay of the same signed envelope (new gossip seqno, so gossipsub's own dedup misses it).
    await alice.services.pubsub.publish(TOPIC, bytes);
    await until('replayed to be counted', async () => rejected(await metrics(relay), 'replayed') === 1, 5_000);
  });

  it('rejects forged, garbage, stale and oversized messages, by reason, and lowers the sender score', async () => {
    const before = bobGot.length;
    const pair = miner();
    const me = alice.peerId.toString();
    // Tampered signature.
    const env = Envelope.decode(await encodeMessage('announce', announce(), pair, { peerId: me }));
    env.signature = Uint8Array.from(env.signature, (b, i) => (i === 0 ? b ^ 1 : b));
    // Envelope claiming another peer (signed by the hotkey, but published by alice).
    const otherPeer = await encodeMessage('announce', announce(), pair, { peerId: bob.peerId.toString() });
    const cases: Array<[string, Uint8Array]> = [
      ['bad-signature', Envelope.encode(env)],
      ['peer-mismatch', otherPeer],
      ['malformed', Uint8Array.from({ length: 100 }, (_, i) => (i * 37 + 11) & 0xff)],
      ['stale', await encodeMessage('announce', announce(), pair, { peerId: me, now: Date.now() - 10 * 60_000 })],
      ['oversized', new Uint8Array(16 * 1024).fill(7)],
      ['wrong-netuid', await encodeMessage('announce', announce({ netuid: NETUID + 1 }), pair, { peerId: me })],
    ];
    for (const [reason, bytes] of cases) {
      await alice.services.pubsub.publish(TOPIC, bytes);
      await until(`a ${reason} rejection`, async () => rejected(await metrics(relay), reason) >= 1, 5_000);
    }
    // A last good message still flows, so nothing bad slipped through ahead of it.
    await bob.services.pubsub.publish(TOPIC, await encodeMessage('announce', announce(), keypair('//Bob//miner1'), { peerId: bob.peerId.toString() }));
    await until('relay to accept bob', async () => /_in_total\{[^}]*\} 2$/m.test(await metrics(relay)), 5_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(bobGot.length).toBe(before);
    // gossipsub caches scores briefly; the invalid deliveries show within a heartbeat or two.
    const scoring = relay.node.services.pubsub as unknown as { getScore(id: string): number };
    await until('alice score to drop below 0', () => scoring.getScore(me) < 0, 5_000);
  });

  it('answers /health and /bootstrap with CORS and isolation headers', async () => {
    const health = await fetch(`${relay.httpUrl}/health`);
    expect(health.status).toBe(200);
    const h = (await health.json()) as { ok: boolean; peerId: string; peers: number; uptime: number };
    expect(h).toMatchObject({ ok: true, peerId: relay.peerId });
    expect(h.peers).toBeGreaterThanOrEqual(2);
    expect(h.uptime).toBeGreaterThan(0);
    const boot = await fetch(`${relay.httpUrl}/bootstrap`);
    expect(boot.headers.get('access-control-allow-origin')).toBe('*');
    expect(boot.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const b = (await boot.json()) as { peerId: string; multiaddrs: string[] };
    expect(b.peerId).toBe(relay.peerId);
    expect(b.multiaddrs.length).toBeGreaterThan(0);
    for (const ma of b.multiaddrs) expect(ma).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${relay.peerId}$`));
    expect((await fetch(`${relay.httpUrl}/nope`)).status).toBe(404);
    const text = await metrics(relay);
    for (const name of ['webtensor_relay_streams', 'webtensor_relay_reservations', 'webtensor_relay_gossip_messages_out_total']) {
      expect(text).toContain(name);
    }
  });

  it('holds a circuit relay v2 reservation and relays a connection through it', async () => {
    const carol = await createLibp2p({
      addresses: { listen: ['/p2p-circuit'] },
      transports: [webSockets(), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialMultiaddr: () => false },
      services: { identify: identify(), ping: ping() },
    });
    started.push(carol);
    await carol.dial(multiaddr(relay.multiaddrs[0]));
    await until('a reservation on the relay', () => relay.node.services.relay.reservations.size === 1, 10_000);
    expect(await metrics(relay)).toMatch(/^webtensor_relay_reservations 1$/m);
    const circuit = carol.getMultiaddrs().find((ma) => ma.toString().includes('/p2p-circuit'));
    expect(circuit?.toString()).toContain(`/p2p/${relay.peerId}/p2p-circuit/p2p/${carol.peerId.toString()}`);
    const dave = await createLibp2p({
      transports: [webSockets(), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialMultiaddr: () => false },
      services: { identify: identify(), ping: ping() },
    });
    started.push(dave);
    const rtt = await dave.services.ping.ping(circuit!, { signal: AbortSignal.timeout(5_000) });
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(dave.getConnections(carol.peerId).some((c) => c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true);
    await Promise.all([carol.stop(), dave.stop()]);
  });

  it('keeps its PeerId across a restart with the same key file', async () => {
    const keyFile = join(dir, 'nested', 'restart.key');
    const first = await startRelay({ port: 0, httpPort: 0, keyFile, netuids: [NETUID] });
    started.push(first);
    const id = first.peerId;
    await first.stop();
    const second = await startRelay({ port: 0, httpPort: 0, keyFile, netuids: [NETUID] });
    started.push(second);
    expect(second.peerId).toBe(id);
    expect(second.peerId).not.toBe(relay.peerId);
    await second.stop();
  });
});

describe('relay command', () => {
  it('builds its config from defaults, a JSON file and flags (repeatable, comma lists)', async () => {
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ port: 4001, netuids: [3], meshD: 8, meshDlo: 4, meshDhi: 16 }));
    const c = configFromArgs(['--config', file, '--http-port=0', '--netuid', '1,2', '--netuid=9', '--announce', '/dns4/r.example/tcp/443/wss']);
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4001, httpPort: 0, netuids: [1, 2, 9], meshD: 8, announce: ['/dns4/r.example/tcp/443/wss'] });
    expect(configFromArgs([]).netuids).toEqual([1]);
    expect(() => configFromArgs(['--netuid', 'x'])).toThrow(/u16/);
    expect(() => configFromArgs(['--bogus'])).toThrow(/unknown option/);
    writeFileSync(file, JSON.stringify({ nope: 1 }));
    expect(() => configFromArgs(['--config', file])).toThrow(/unknown key "nope"/);
    expect(relayCommand.usage).toContain('--key-file');
  });

  it('runs as a process, answers /health and stops cleanly on SIGTERM', async () => {
    const script = `const { relayCommand } = await import(${JSON.stringify(new URL('../../relay/relay/command.ts', import.meta.url).pathname)});
process.exitCode = await relayCommand.run(['--port', '0', '--http-port', '0', '--key-file', ${JSON.stringify(join(dir, 'cli.key'))}, '--netuid', '${NETUID}']);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push({ stop: () => child.kill('SIGKILL') });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await until('the relay process to print its bootstrap URL', () => /bootstrap (http:\S+)/.test(out), 15_000);
    const url = /bootstrap (http:\S+)/.exec(out)![1];
    const health = (await (await fetch(url.replace('/bootstrap', '/health'))).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('relay: stopped');
  }, 20_000);
});
