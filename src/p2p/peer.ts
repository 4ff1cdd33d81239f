/**
 * A webtensor peer: the libp2p node a browser tab, a Node miner or a validator runs. It dials the
 * relay over WebSockets, keeps that link up (redialling with backoff when the relay goes away),
 * joins gossipsub, and — for miners — listens on the relay's circuit so validators can open
 * direct streams to it from anywhere. Browser tabs can add WebRTC for browser ↔ browser links.
 *
 *   const peer = await createPeer({ relays: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3…'], listenOnRelay: true });
 *   peer.addEventListener('relay', (e) => console.log(e.detail.connected));
 *   await peer.stop();
 *
 * The same code runs in the browser and in Node 22 (global WebSocket); nothing here touches the DOM.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify, type Identify } from '@libp2p/identify';
import type { Connection, PeerId, PrivateKey } from '@libp2p/interface';
import { ping, type Ping } from '@libp2p/ping';
import { webSockets } from '@libp2p/websockets';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import { Backoff, type BackoffOptions } from './backoff.ts';

export type PeerServices = { pubsub: GossipSub; identify: Identify; ping: Ping };
export type PeerNode = Libp2p<PeerServices>;

export interface PeerOptions {
  /** Relay multiaddrs, each ending in /p2p/<relay PeerId> (from config, a URL or the relay's /bootstrap). */
  relays: string[];
  /** The node's libp2p key (default: a fresh Ed25519 key, so a fresh PeerId). */
  privateKey?: PrivateKey;
  /** Take a circuit relay reservation so that others can dial this peer through the relay (miners). */
  listenOnRelay?: boolean;
  /**
   * Browser ↔ browser WebRTC (transport and `/webrtc` listen address). The transport comes from
   * `@libp2p/webrtc`, loaded only when asked for.
   */
  webrtc?: boolean | { iceServers?: RTCIceServer[] };
  /**
   * Allow dialling `ws://` and private/loopback addresses. Browsers refuse them by default; a local
   * deployment and the tests need them. Production relays use `wss://` on public hosts.
   */
  allowPrivateAddresses?: boolean;
  /** Redial schedule after the relay link drops. */
  backoff?: Partial<BackoffOptions>;
  log?: (line: string) => void;
}

/** `relay` event detail: whether any relay is connected now, and redial attempts so far. */
export interface RelayStatus {
  connected: boolean;
  attempts: number;
  error?: string;
}

export interface WebtensorPeer extends EventTarget {
  node: PeerNode;
  peerId: PeerId;
  /** Relay PeerIds this peer keeps a link to. */
  relayPeers: string[];
  /** Whether at least one relay is connected. */
  relayConnected(): boolean;
  /** Addresses others dial this peer on (relay circuit, WebRTC). Empty until a reservation is held. */
  dialableAddresses(): string[];
  /**
   * Resolves once a relay is connected (and, with listenOnRelay, a circuit address is held);
   * rejects when `signal` aborts (default: after 30 s).
   */
  ready(options?: { signal?: AbortSignal }): Promise<void>;
  stop(): Promise<void>;
}

/** Most connections one peer holds through one relay (one HOP stream each). */
export const MAX_RELAYED_CONNECTIONS = 4096;

export class PeerConfigError extends Error {
  override name = 'PeerConfigError';
}

function parseRelays(relays: string[]): Array<{ addr: Multiaddr; peerId: string }> {
  if (relays.length === 0) throw new PeerConfigError('no relay address given');
  return relays.map((text) => {
    let addr: Multiaddr;
    try {
      addr = multiaddr(text);
    } catch (error) {
      throw new PeerConfigError(`relay address "${text}" is not a multiaddr: ${error instanceof Error ? error.message : String(error)}`);
    }
    const peerId = addr.getComponents().findLast((c) => c.name === 'p2p')?.value;
    if (peerId === undefined) throw new PeerConfigError(`relay address "${text}" does not end in /p2p/<PeerId>`);
    return { addr, peerId };
  });
}

export async function createPeer(options: PeerOptions): Promise<WebtensorPeer> {
  const relays = parseRelays(options.relays);
  const log = options.log ?? (() => {});
  const webrtcInit = options.webrtc === true ? {} : options.webrtc || undefined;
  const extraTransports = [];
  if (webrtcInit) {
    const { webRTC } = await import('@libp2p/webrtc');
    extraTransports.push(webRTC({ rtcConfiguration: { iceServers: webrtcInit.iceServers ?? [] } }));
  }
  const listen: string[] = [];
  if (options.listenOnRelay) listen.push('/p2p-circuit');
  if (webrtcInit) listen.push('/webrtc');

  const node: PeerNode = await createLibp2p({
    ...(options.privateKey ? { privateKey: options.privateKey } : {}),
    addresses: { listen },
    transports: [webSockets(), circuitRelayTransport(), ...extraTransports],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: options.allowPrivateAddresses === false ? {} : { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        // Many tabs share one IP (NAT, proxies, loopback): colocation scoring would graylist them.
        scoreParams: { IPColocationFactorWeight: 0 },
      }),
    },
  });

  const events = new EventTarget();
  const relayIds = new Set(relays.map((r) => r.peerId));
  const backoff = new Backoff(options.backoff);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dialing = false;

  const relayConnected = () => node.getConnections().some((c) => relayIds.has(c.remotePeer.toString()) && c.status === 'open');
  const dialableAddresses = () =>
    node
      .getMultiaddrs()
      .map((a) => a.toString())
      .filter((a) => a.includes('/p2p-circuit') || a.includes('/webrtc'));
  const emit = (status: RelayStatus) => events.dispatchEvent(new CustomEvent<RelayStatus>('relay', { detail: status }));

  async function dialRelays(): Promise<void> {
    if (stopped || dialing || relayConnected()) return;
    dialing = true;
    const errors: string[] = [];
    try {
      for (const { addr } of relays) {
        try {
          await node.dial(addr, { signal: AbortSignal.timeout(5_000) });
          log(`p2p: connected to relay ${addr.toString()}`);
          backoff.reset();
          emit({ connected: true, attempts: 0 });
          return;
        } catch (error) {
          errors.push(`${addr.toString()}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      dialing = false;
    }
    if (stopped) return;
    const delay = backoff.next();
    const error = errors.join('; ');
    log(`p2p: relay unreachable (${error}); retry ${backoff.attempts} in ${delay} ms`);
    emit({ connected: false, attempts: backoff.attempts, error });
    schedule(delay);
  }

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void dialRelays(), delay);
  }

  node.addEventListener('peer:disconnect', (e) => {
    if (stopped || !relayIds.has(e.detail.toString())) return;
    log(`p2p: relay ${e.detail.toString()} disconnected`);
    emit({ connected: relayConnected(), attempts: backoff.attempts });
    if (!relayConnected()) schedule(backoff.next());
  });

  // The circuit transport opens each relayed connection's HOP stream with the dial options, which
  // do not carry maxOutboundStreams, so libp2p's default of 64 streams of one protocol per
  // connection would cap a validator at 64 miners behind one relay. Raise it on relay connections.
  node.addEventListener('connection:open', (e) => {
    const conn = e.detail;
    if (!relayIds.has(conn.remotePeer.toString())) return;
    const newStream = conn.newStream.bind(conn);
    conn.newStream = (protocols, opts) => newStream(protocols, { maxOutboundStreams: MAX_RELAYED_CONNECTIONS, ...opts });
  });

  if (webrtcInit) {
    // gossipsub keeps the streams of the first connection to a peer that identified: between two
    // browsers that is the relay circuit used to signal WebRTC, so gossip would go on riding the
    // relay. Once a WebRTC connection to a peer has identified, close the circuits to that peer and
    // identify again over WebRTC: gossipsub then opens its streams on the WebRTC connection.
    const has = (c: Connection, name: string) => c.remoteAddr.getComponents().some((x) => x.name === name);
    node.addEventListener('peer:identify', (e) => {
      const direct = e.detail.connection;
      if (stopped || !has(direct, 'webrtc') || direct.status !== 'open') return;
      const circuits = node.getConnections(direct.remotePeer).filter((c) => c !== direct && has(c, 'p2p-circuit') && !has(c, 'webrtc'));
      if (circuits.length === 0) return;
      void Promise.all(circuits.map((c) => c.close().catch((error: Error) => c.abort(error))))
        .then(() => (stopped || direct.status !== 'open' ? undefined : node.services.identify.identify(direct)))
        .catch((error: unknown) => log(`p2p: moving ${direct.remotePeer.toString()} onto WebRTC failed: ${error instanceof Error ? error.message : String(error)}`));
    });
  }

  await node.start();
  await dialRelays();

  const peer = Object.assign(events, {
    node,
    peerId: node.peerId,
    relayPeers: [...relayIds],
    relayConnected,
    dialableAddresses,
    async ready({ signal = AbortSignal.timeout(30_000) }: { signal?: AbortSignal } = {}): Promise<void> {
      const done = () => relayConnected() && (!options.listenOnRelay || dialableAddresses().some((a) => a.includes('/p2p-circuit')));
      while (!done()) {
        signal.throwIfAborted();
        if (stopped) throw new Error('peer stopped');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await node.stop();
    },
  });
  return peer;
}
