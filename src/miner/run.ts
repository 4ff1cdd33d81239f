/**
 * Mining on a peer: serves the challenge protocol with a Miner and re-announces on gossip (at start,
 * every `announceEveryMs`, and whenever the peer's dialable addresses change, e.g. after the relay
 * came back). The same function runs in a browser tab and in the Node miner.
 *
 *   const stop = await startMining(peer, miner, { netuid });
 */
import { CHALLENGE_PROTOCOL, MAX_ENVELOPE_BYTES, topics } from '../protocol/index.ts';
import { serveRequests, type WebtensorPeer } from '../p2p/index.ts';
import { ChallengeRefused, type Miner } from './miner.ts';

export interface MiningOptions {
  netuid: number;
  /** Re-announce period (default 10 s): validators forget miners they have not heard from. */
  announceEveryMs?: number;
  log?: (line: string) => void;
}

export interface Mining {
  /** Publishes an announcement now. */
  announce(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMining(peer: WebtensorPeer, miner: Miner, options: MiningOptions): Promise<Mining> {
  const { netuid, announceEveryMs = 10_000, log = () => {} } = options;
  const topic = topics(netuid).announce;
  const pubsub = peer.node.services.pubsub;
  // Publish only: a miner does not subscribe to the announce topic (gossipsub fans out to the
  // topic's subscribers — the relay, validators). Subscribed, every miner would receive and verify
  // every other miner's announces: quadratic work that swamped a 100-miner network.

  await serveRequests(
    peer.node,
    CHALLENGE_PROTOCOL,
    async (frame, from) => miner.answer(frame, from.toString()),
    {
      maxBytes: MAX_ENVELOPE_BYTES,
      onError(error, from) {
        if (error instanceof ChallengeRefused) log(`miner: refused a challenge from ${from.toString()}: ${error.message}`);
        else log(`miner: challenge stream from ${from.toString()} failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    },
  );

  let lastAddrs = '';
  let stopped = false;
  async function announce(): Promise<void> {
    const addrs = peer.dialableAddresses();
    lastAddrs = addrs.join(' ');
    if (!peer.relayConnected()) return;
    try {
      await pubsub.publish(topic, await miner.announcement(addrs));
    } catch (error) {
      log(`miner: announce failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const onAddresses = () => {
    if (!stopped && peer.dialableAddresses().join(' ') !== lastAddrs) void announce();
  };
  peer.node.addEventListener('self:peer:update', onAddresses);
  const onRelay = () => void announce();
  peer.addEventListener('relay', onRelay);
  // A new subscriber to the topic (the relay after a restart, a validator) hears us at once.
  const onSubscription = (e: CustomEvent<{ subscriptions: Array<{ topic: string; subscribe: boolean }> }>) => {
    if (e.detail.subscriptions.some((s) => s.topic === topic && s.subscribe)) void announce();
  };
  pubsub.addEventListener('subscription-change', onSubscription);
  const timer = setInterval(() => void announce(), announceEveryMs);
  await announce();

  return {
    announce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      peer.node.removeEventListener('self:peer:update', onAddresses);
      peer.removeEventListener('relay', onRelay);
      pubsub.removeEventListener('subscription-change', onSubscription);
      await peer.node.unhandle(CHALLENGE_PROTOCOL).catch(() => {});
    },
  };
}
