/**
 * One request, one response, on a fresh libp2p stream: the shape of a challenge and its answer.
 * Frames are varint length-prefixed (the libp2p convention) and capped at `maxBytes` both ways,
 * so a peer cannot make the other side buffer more than one envelope.
 *
 *   serveRequests(node, CHALLENGE_PROTOCOL, async (bytes, from) => answerBytes, { maxBytes });
 *   const answer = await sendRequest(node, minerAddr, CHALLENGE_PROTOCOL, challengeBytes, { signal, maxBytes });
 */
import type { Connection, PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { lpStream } from '@libp2p/utils';
import type { Libp2p } from 'libp2p';

/** Streams of one protocol open at once on one connection (both ways). */
const MAX_STREAMS = 4096;

export interface RequestOptions {
  /** Aborts the dial, the write and the wait for the response. */
  signal?: AbortSignal;
  /** Largest frame accepted either way. */
  maxBytes: number;
}

/** Sends `request` to `target` on `protocol` and returns the one response frame. */
export async function sendRequest(
  node: Libp2p,
  target: PeerId | Multiaddr | Multiaddr[],
  protocol: string,
  request: Uint8Array,
  options: RequestOptions,
): Promise<Uint8Array> {
  const { signal, maxBytes } = options;
  // negotiateFully false: send the protocol id and the request together instead of waiting one
  // round trip (through the relay: two hops) for the remote to confirm the protocol.
  const stream = await node.dialProtocol(target, protocol, { signal, runOnLimitedConnection: true, maxOutboundStreams: MAX_STREAMS, negotiateFully: false });
  try {
    const lp = lpStream(stream, { maxDataLength: maxBytes });
    await lp.write(request, { signal });
    // slice() copies: the chunks may be views into buffers the transport reuses.
    const response = (await lp.read({ signal })).slice();
    // The answer is in: close in the background (waiting for the remote's end costs a round trip).
    void stream.close().catch((error: Error) => stream.abort(error));
    return response;
  } catch (error) {
    stream.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/**
 * The handler of a request: the response bytes, or null to close the stream without answering
 * (the requester then sees the stream end). Thrown errors abort the stream.
 */
export type RequestHandler = (request: Uint8Array, from: PeerId, connection: Connection) => Promise<Uint8Array | null>;

export interface ServeOptions {
  maxBytes: number;
  /** Time the remote has to send its request after opening the stream (default 10 s). */
  readTimeoutMs?: number;
  /** Streams of this protocol open at once per connection (default 32). */
  maxInboundStreams?: number;
  /** Called with every handler or stream error (never thrown: one bad peer must not stop the node). */
  onError?: (error: unknown, from: PeerId) => void;
}

export async function serveRequests(node: Libp2p, protocol: string, handler: RequestHandler, options: ServeOptions): Promise<void> {
  const { maxBytes, readTimeoutMs = 10_000, maxInboundStreams = 32, onError = () => {} } = options;
  await node.handle(
    protocol,
    async (stream, connection) => {
      const lp = lpStream(stream, { maxDataLength: maxBytes });
      try {
        const request = (await lp.read({ signal: AbortSignal.timeout(readTimeoutMs) })).slice();
        const response = await handler(request, connection.remotePeer, connection);
        if (response !== null) await lp.write(response);
        await stream.close();
      } catch (error) {
        stream.abort(error instanceof Error ? error : new Error(String(error)));
        onError(error, connection.remotePeer);
      }
    },
    { runOnLimitedConnection: true, maxInboundStreams },
  );
}
