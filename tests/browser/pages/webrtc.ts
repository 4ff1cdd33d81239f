/**
 * Test page: a browser peer with WebRTC (createPeer with `webrtc`, a relay reservation for
 * signalling) that records the gossip it receives and which connection it arrived on. Driven by
 * tests/browser/webrtc-netns.ts through `window.webtensorRtc`; everything it returns is plain JSON.
 */
import type { Message } from '@libp2p/gossipsub';
import type { Connection } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { createPeer, type WebtensorPeer } from '../../../src/p2p/index.ts';

export interface ConnectionInfo {
  remotePeer: string;
  remoteAddr: string;
  status: string;
  direct: boolean;
  limited: boolean;
  /** Open streams: `direction protocol status`. */
  streams: string[];
}

export interface ReceivedGossip {
  topic: string;
  from: string;
  propagationSource: string;
  text: string;
  /** The open connections to the propagation source when the message arrived. */
  via: ConnectionInfo[];
}

let peer: WebtensorPeer | undefined;
const received: ReceivedGossip[] = [];
/** The propagation source of the last message ('gossipsub:message' fires just before 'message' for the same delivery). */
let lastSource = '';

function need(): WebtensorPeer {
  if (!peer) throw new Error('no peer: call start() first');
  return peer;
}

function describe(c: Connection): ConnectionInfo {
  return {
    remotePeer: c.remotePeer.toString(),
    remoteAddr: c.remoteAddr.toString(),
    status: c.status,
    direct: c.direct,
    limited: c.limits !== undefined,
    streams: c.streams.map((s) => `${s.direction} ${s.protocol ?? '?'} ${s.status}`),
  };
}

function connections(to?: string): ConnectionInfo[] {
  return need()
    .node.getConnections()
    .filter((c) => to === undefined || c.remotePeer.toString() === to)
    .map(describe);
}

async function start(options: { relays: string[]; iceServers?: RTCIceServer[] }): Promise<{ peerId: string; addresses: string[] }> {
  if (peer) throw new Error('already started');
  peer = await createPeer({ relays: options.relays, listenOnRelay: true, webrtc: { iceServers: options.iceServers ?? [] } });
  await peer.ready({ signal: AbortSignal.timeout(15_000) });
  const pubsub = peer.node.services.pubsub;
  pubsub.addEventListener('gossipsub:message', (e) => {
    lastSource = e.detail.propagationSource.toString();
  });
  pubsub.addEventListener('message', (e: CustomEvent<Message>) => {
    const msg = e.detail;
    const from = msg.type === 'signed' ? msg.from.toString() : '';
    const propagationSource = lastSource;
    received.push({ topic: msg.topic, from, propagationSource, text: new TextDecoder().decode(msg.data), via: connections(propagationSource) });
  });
  return { peerId: peer.peerId.toString(), addresses: peer.dialableAddresses() };
}

/** This peer's `/webrtc` addresses (held once the relay reservation is). */
function webrtcAddresses(): string[] {
  return need()
    .dialableAddresses()
    .filter((a) => a.includes('/webrtc'));
}

/**
 * Dials `address` (a `/p2p-circuit/webrtc/p2p/<id>` address), each attempt bounded by `attemptMs`,
 * up to `attempts` times. Returns the attempts it took and the errors of the failed ones.
 */
async function dial(address: string, attempts: number, attemptMs: number): Promise<{ attempts: number; errors: string[]; connection: ConnectionInfo }> {
  const errors: string[] = [];
  for (let i = 1; i <= attempts; i++) {
    try {
      const c = await need().node.dial(multiaddr(address), { signal: AbortSignal.timeout(attemptMs) });
      return {
        attempts: i,
        errors,
        connection: describe(c),
      };
    } catch (error) {
      errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
  throw new Error(`dial ${address} failed ${attempts} times: ${errors.join(' | ')}`);
}

function subscribe(topic: string): void {
  need().node.services.pubsub.subscribe(topic);
}

function subscribers(topic: string): string[] {
  return need()
    .node.services.pubsub.getSubscribers(topic)
    .map((p) => p.toString());
}

async function publish(topic: string, text: string): Promise<string[]> {
  const result = await need().node.services.pubsub.publish(topic, new TextEncoder().encode(text));
  return result.recipients.map((p) => p.toString());
}

/** gossipsub's view of `topic`: its peers, the topic's subscribers, outbound streams and scores (for failure reports). */
function gossip(topic: string) {
  const pubsub = need().node.services.pubsub;
  const internals = pubsub as unknown as { streamsOutbound?: Map<string, unknown>; mesh?: Map<string, Set<string>>; score?: { score(id: string): number } };
  const subscribers = pubsub.getSubscribers(topic).map((p) => p.toString());
  return {
    peers: pubsub.getPeers().map((p) => p.toString()),
    subscribers,
    mesh: [...(internals.mesh?.get(topic) ?? [])],
    outboundStreams: [...(internals.streamsOutbound?.keys() ?? [])],
    scores: Object.fromEntries(subscribers.map((id) => [id, internals.score?.score(id)])),
  };
}

function state() {
  const p = need();
  return { peerId: p.peerId.toString(), relayConnected: p.relayConnected(), addresses: p.dialableAddresses(), connections: connections(), received: [...received] };
}

async function stop(): Promise<void> {
  const p = peer;
  peer = undefined;
  await p?.stop();
}

const api = { start, gossip, webrtcAddresses, dial, subscribe, subscribers, publish, state, stop };
export type RtcPageApi = typeof api;

declare global {
  interface Window {
    webtensorRtc?: RtcPageApi;
  }
}
window.webtensorRtc = api;
