/**
 * The webtensor relay: a js-libp2p v3 node that browser miners reach over WebSockets.
 * Circuit relay v2 server (for browser ↔ browser WebRTC setup), gossipsub hub subscribed to the
 * configured subnets' topics with a topic validator per topic (every message goes through
 * `decodeMessage`: size caps, freshness, signature, replay guard), and a small HTTP server beside
 * it for `/health`, `/metrics` (Prometheus) and `/bootstrap` (where a static PWA finds the relay).
 *
 *   const relay = await startRelay({ keyFile: 'relay.key', netuids: [1] });
 *   console.log(relay.multiaddrs, relay.httpUrl);
 *   await relay.stop();
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { gossipsub, TopicValidatorResult, type GossipSub, type Message } from '@libp2p/gossipsub';
import { createTopicScoreParams, type TopicScoreParams } from '@libp2p/gossipsub/score';
import { identify } from '@libp2p/identify';
import type { PrivateKey } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p, type Libp2p } from 'libp2p';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import {
  DEFAULT_MAX_AGE_MS,
  decodeMessage,
  isProtocolError,
  protocolReady,
  ReplayGuard,
  topics,
  type MessageKind,
} from '../../src/protocol/index.ts';

export interface RelayConfig {
  /** Interface the WebSocket listener and the HTTP server bind to. */
  host: string;
  /** WebSocket listen port (0 = any free port). */
  port: number;
  /** HTTP port for /health, /metrics, /bootstrap (0 = any free port). */
  httpPort: number;
  /** Multiaddrs to announce instead of the listen addresses (e.g. `/dns4/relay.example/tcp/443/wss`). */
  announce: string[];
  /** Ed25519 private key (libp2p protobuf); created on first start so the PeerId stays stable. */
  keyFile: string;
  /** Subnets whose gossip topics the relay joins and validates. */
  netuids: number[];
  /** Circuit relay v2 reservations held at once. */
  maxReservations: number;
  /** Connection manager: most connections, pending inbound, inbound per second per host. */
  maxConnections: number;
  maxIncomingPendingConnections: number;
  inboundConnectionThreshold: number;
  /** gossipsub mesh degree around the relay (a star: the relay meshes with many browsers). */
  meshD: number;
  meshDlo: number;
  meshDhi: number;
  /** Freshness window of gossip messages (also the replay window). */
  maxMessageAgeMs: number;
  /** One line per event worth logging; silent by default. */
  log?: (line: string) => void;
}

export const DEFAULT_RELAY_CONFIG: Readonly<Omit<RelayConfig, 'log'>> = {
  host: '127.0.0.1',
  port: 9090,
  httpPort: 9091,
  announce: [],
  keyFile: '.webtensor/relay.key',
  netuids: [1],
  maxReservations: 1024,
  maxConnections: 1024,
  maxIncomingPendingConnections: 256,
  inboundConnectionThreshold: 1024,
  // A star: miners graft onto the relay, and it should keep them all (pruning happens only above
  // Dhi). Default D=6/Dhi=12 delivered 64–68 % at 50–100 peers (shared/NOTES-environment.md).
  meshD: 64,
  meshDlo: 32,
  meshDhi: 1024,
  maxMessageAgeMs: DEFAULT_MAX_AGE_MS,
};

/** Rejection reason for gossip messages without a libp2p signature (not a ProtocolError reason). */
export const UNSIGNED_GOSSIP = 'unsigned-gossip';

export interface Relay {
  node: Libp2p<{ pubsub: GossipSub; relay: CircuitRelayService }>;
  peerId: string;
  /** WebSocket multiaddrs with /p2p/<peerId>. */
  multiaddrs: string[];
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:9091 */
  httpUrl: string;
  registry: Registry;
  config: RelayConfig;
  stop(): Promise<void>;
}

export function resolveConfig(partial: Partial<RelayConfig> = {}): RelayConfig {
  const config: RelayConfig = { ...DEFAULT_RELAY_CONFIG, ...stripUndefined(partial) };
  for (const n of config.netuids) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new Error(`netuid ${n} is not a u16`);
  }
  for (const p of [config.port, config.httpPort]) {
    if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new Error(`port ${p} is out of range`);
  }
  if (config.meshDlo > config.meshD || config.meshD > config.meshDhi) throw new Error('need meshDlo <= meshD <= meshDhi');
  return config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Loads the relay's Ed25519 key, creating it (mode 0600) on first start. */
export async function loadOrCreateKey(path: string): Promise<PrivateKey> {
  if (existsSync(path)) {
    const key = privateKeyFromProtobuf(readFileSync(path));
    if (key.type !== 'Ed25519') throw new Error(`${path}: expected an Ed25519 key, found ${key.type}`);
    return key;
  }
  const key = await generateKeyPair('Ed25519');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' });
  return key;
}

function listenAddr(host: string, port: number): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return `/ip4/${host}/tcp/${port}/ws`;
  if (host.includes(':')) return `/ip6/${host}/tcp/${port}/ws`;
  return `/dns/${host}/tcp/${port}/ws`;
}

/** Topic → (netuid, kind) for the configured subnets. */
function topicTable(netuids: number[]): Map<string, { netuid: number; kind: MessageKind }> {
  const table = new Map<string, { netuid: number; kind: MessageKind }>();
  for (const netuid of netuids) {
    const t = topics(netuid);
    table.set(t.announce, { netuid, kind: 'announce' });
    table.set(t.weights, { netuid, kind: 'weight-vector' });
    table.set(t.epoch, { netuid, kind: 'epoch-result' });
  }
  return table;
}

/** Score params per topic: invalid messages weigh heavily; quiet topics cost nothing. */
function topicScore(): TopicScoreParams {
  return createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 3600,
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: 0.5,
    firstMessageDeliveriesCap: 100,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.5,
  });
}

export async function startRelay(partial: Partial<RelayConfig> = {}): Promise<Relay> {
  const config = resolveConfig(partial);
  const log = config.log ?? (() => {});
  await protocolReady();
  const privateKey = await loadOrCreateKey(config.keyFile);
  const table = topicTable(config.netuids);

  // ---- metrics ----
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'webtensor_relay_process_' });
  const messagesIn = new Counter({
    name: 'webtensor_relay_gossip_messages_in_total',
    help: 'Gossip messages that passed validation, by topic',
    labelNames: ['topic'],
    registers: [registry],
  });
  const messagesOut = new Counter({
    name: 'webtensor_relay_gossip_messages_out_total',
    help: 'Gossip messages forwarded (accepted messages times topic peers other than the source; an upper bound), by topic',
    labelNames: ['topic'],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'webtensor_relay_gossip_rejections_total',
    help: 'Gossip messages rejected by the topic validator, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  let relayNode: Relay['node'] | undefined;
  new Gauge({
    name: 'webtensor_relay_peers',
    help: 'Connected peers',
    registers: [registry],
    collect() {
      this.set(relayNode?.getPeers().length ?? 0);
    },
  });
  new Gauge({
    name: 'webtensor_relay_connections',
    help: 'Open connections',
    registers: [registry],
    collect() {
      this.set(relayNode?.getConnections().length ?? 0);
    },
  });
  new Gauge({
    name: 'webtensor_relay_streams',
    help: 'Open streams over all connections',
    registers: [registry],
    collect() {
      this.set((relayNode?.getConnections() ?? []).reduce((n, c) => n + c.streams.length, 0));
    },
  });
  new Gauge({
    name: 'webtensor_relay_reservations',
    help: 'Circuit relay v2 reservations held',
    registers: [registry],
    collect() {
      this.set(relayNode?.services.relay.reservations.size ?? 0);
    },
  });
  new Gauge({
    name: 'webtensor_relay_topic_peers',
    help: 'Peers subscribed to each topic',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      for (const topic of table.keys()) this.set({ topic }, relayNode?.services.pubsub.getSubscribers(topic).length ?? 0);
    },
  });

  // ---- libp2p ----
  const scoreTopics: Record<string, TopicScoreParams> = {};
  for (const topic of table.keys()) scoreTopics[topic] = topicScore();
  const node = await createLibp2p({
    privateKey,
    addresses: {
      listen: [listenAddr(config.host, config.port)],
      announce: config.announce,
    },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: config.maxConnections,
      maxIncomingPendingConnections: config.maxIncomingPendingConnections,
      inboundConnectionThreshold: config.inboundConnectionThreshold,
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        // Validators reach miners behind this relay through its circuit, and challenges carry
        // whole input batches: the default limits (128 KiB / 2 min per relayed connection) would
        // cut them off. The relay is the miners' own; the cap is on reservations instead.
        reservations: { maxReservations: config.maxReservations, applyDefaultLimit: false },
        // Each relayed connection holds one HOP stream on its source's connection for its whole
        // life; libp2p's default of 32 per connection would cap a validator at 32 miners.
        maxInboundHopStreams: config.maxConnections,
        maxOutboundStopStreams: config.maxConnections,
      }),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        D: config.meshD,
        Dlo: config.meshDlo,
        Dhi: config.meshDhi,
        // Many browsers share one IP behind NAT, a proxy, or loopback in tests.
        scoreParams: { IPColocationFactorWeight: 0, topics: scoreTopics },
        doPX: true,
      }),
    },
  });
  relayNode = node;

  const replay = new ReplayGuard({ windowMs: config.maxMessageAgeMs });
  const lastLogged = new Map<string, number>();
  const reject = (reason: string) => {
    rejections.inc({ reason });
    return TopicValidatorResult.Reject;
  };
  for (const [topic, { netuid, kind }] of table) {
    node.services.pubsub.topicValidators.set(topic, (_propagationSource, msg: Message) => {
      if (msg.type !== 'signed') return reject(UNSIGNED_GOSSIP);
      try {
        decodeMessage(msg.data, {
          expectedKind: kind,
          expectedNetuid: netuid,
          expectedPeerId: msg.from.toString(),
          maxAgeMs: config.maxMessageAgeMs,
          replay,
        });
      } catch (error) {
        if (isProtocolError(error)) {
          // At most one line per reason every 10 s: a flood must not flood the log too.
          const now = Date.now();
          if ((lastLogged.get(error.reason) ?? 0) + 10_000 <= now) {
            lastLogged.set(error.reason, now);
            log(`relay: rejected ${kind} from ${msg.from.toString()} on ${topic}: ${error.reason} (${error.message})`);
          }
          return reject(error.reason);
        }
        throw error;
      }
      messagesIn.inc({ topic });
      const others = node.services.pubsub.getSubscribers(topic).filter((p) => !p.equals(msg.from)).length;
      if (others > 0) messagesOut.inc({ topic }, others);
      return TopicValidatorResult.Accept;
    });
    node.services.pubsub.subscribe(topic);
  }
  // Initialise labelled series so scrapes show them before the first message.
  for (const topic of table.keys()) {
    messagesIn.inc({ topic }, 0);
    messagesOut.inc({ topic }, 0);
  }

  await node.start();
  const peerId = node.peerId.toString();
  const multiaddrs = wsMultiaddrs(node);
  log(`relay: ${peerId} listening on ${multiaddrs.join(', ')}`);

  // ---- HTTP ----
  const started = Date.now();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `error: ${error instanceof Error ? error.message : String(error)}\n`);
      else res.destroy();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://relay').pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...headers(), 'Access-Control-Allow-Methods': 'GET, OPTIONS', 'Access-Control-Max-Age': '86400' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    switch (path) {
      case '/health':
        return sendJson(res, {
          ok: node.status === 'started',
          peerId,
          peers: node.getPeers().length,
          uptime: (Date.now() - started) / 1000,
          netuids: config.netuids,
        });
      case '/bootstrap':
        return sendJson(res, { peerId, multiaddrs: wsMultiaddrs(node), topics: [...table.keys()] });
      case '/metrics':
        return send(res, 200, registry.contentType, await registry.metrics());
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const httpHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const httpUrl = `http://${httpHost}:${address.port}`;
  log(`relay: http on ${httpUrl} (/health, /metrics, /bootstrap)`);

  let stopping: Promise<void> | undefined;
  return {
    node,
    peerId,
    multiaddrs,
    httpUrl,
    registry,
    config,
    stop() {
      stopping ??= (async () => {
        await closeServer(server);
        await node.stop();
        log('relay: stopped');
      })();
      return stopping;
    },
  };
}

/** The node's WebSocket multiaddrs, each ending in /p2p/<peerId>. */
function wsMultiaddrs(node: Libp2p): string[] {
  const id = node.peerId.toString();
  return node
    .getMultiaddrs()
    .map((ma) => ma.toString())
    .filter((s) => /\/wss?(\/|$)/.test(s) && !s.includes('/p2p-circuit'))
    .map((s) => (s.includes(`/p2p/${id}`) ? s : `${s}/p2p/${id}`));
}

/** CORS for static PWAs, cross-origin isolation so an isolated page may fetch it. */
function headers(): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...headers(), 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, body: unknown): void {
  send(res, 200, 'application/json', `${JSON.stringify(body)}\n`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
