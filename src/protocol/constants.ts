/**
 * Protocol version, message kinds, gossip topic names, the direct-stream protocol id and the size
 * caps every peer enforces. Pure: no DOM, no Node APIs.
 */

/** Envelope.version of this wire format. A breaking change bumps it together with the topic names. */
export const PROTOCOL_VERSION = 1;

/** Message kinds by name; the numbers are `MessageKind` in webtensor.proto (Envelope.kind). */
export const KIND_CODES = {
  announce: 1,
  challenge: 2,
  answer: 3,
  'weight-vector': 4,
  'epoch-result': 5,
} as const;

export type MessageKind = keyof typeof KIND_CODES;
export const MESSAGE_KINDS = Object.keys(KIND_CODES) as MessageKind[];

const KIND_BY_CODE = new Map<number, MessageKind>(MESSAGE_KINDS.map((k) => [KIND_CODES[k], k]));

/** The kind for a wire code, or undefined for a code this version does not know. */
export function kindFromCode(code: number): MessageKind | undefined {
  return KIND_BY_CODE.get(code);
}

/** libp2p protocol id of the direct stream that carries Challenge (validator → miner) and Answer back. */
export const CHALLENGE_PROTOCOL = '/webtensor/challenge/1.0.0';

/** Gossip topics of one subnet. Challenges and answers never go over gossip. */
export function topics(netuid: number) {
  const base = `/webtensor/${PROTOCOL_VERSION}/${netuid}`;
  return {
    announce: `${base}/announce`,
    weights: `${base}/weights`,
    epoch: `${base}/epoch`,
  } as const;
}

/** The gossip topic a kind is published on, or undefined for direct-stream kinds. */
export function topicFor(kind: MessageKind, netuid: number): string | undefined {
  const t = topics(netuid);
  switch (kind) {
    case 'announce':
      return t.announce;
    case 'weight-vector':
      return t.weights;
    case 'epoch-result':
      return t.epoch;
    default:
      return undefined;
  }
}

// ---- size caps (bytes), checked before any protobuf decoding ----

/** Whole envelope, any kind. Also the frame cap for length-prefixed direct streams. */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;
/** Room the envelope needs besides its payload (header fields, signature, PeerId). */
export const ENVELOPE_OVERHEAD_BYTES = 512;
/** Payload caps per kind. */
export const MAX_PAYLOAD_BYTES: Readonly<Record<MessageKind, number>> = {
  announce: 4 * 1024,
  challenge: MAX_ENVELOPE_BYTES - ENVELOPE_OVERHEAD_BYTES,
  answer: MAX_ENVELOPE_BYTES - ENVELOPE_OVERHEAD_BYTES,
  'weight-vector': 64 * 1024,
  'epoch-result': 64 * 1024,
};

/** Cap on the whole envelope when the caller knows which kind to expect (e.g. from the topic). */
export function maxEnvelopeBytes(kind?: MessageKind): number {
  if (kind === undefined || !Object.hasOwn(MAX_PAYLOAD_BYTES, kind)) return MAX_ENVELOPE_BYTES;
  return Math.min(MAX_ENVELOPE_BYTES, MAX_PAYLOAD_BYTES[kind] + ENVELOPE_OVERHEAD_BYTES);
}

// ---- field limits ----

export const ENVELOPE_NONCE_BYTES = 16;
export const CHALLENGE_NONCE_MIN_BYTES = 16;
export const CHALLENGE_NONCE_MAX_BYTES = 32;
export const MAX_PEER_ID_CHARS = 128;
/** subtensor uids and netuids are u16. */
export const MAX_U16 = 0xffff;
/** Most uids a weight vector or epoch result may carry. */
export const MAX_UIDS = 4096;
export const MAX_TENSORS = 16;
export const MAX_TENSOR_DIMS = 8;
export const MAX_NAME_CHARS = 128;
export const MAX_MULTIADDRS = 8;
export const MAX_MULTIADDR_CHARS = 256;
export const MAX_ERROR_CHARS = 512;
/** Longest a challenge may stay open: deadline - envelope timestamp. */
export const MAX_CHALLENGE_WINDOW_MS = 10 * 60_000;
/** Largest inference time an answer may claim. */
export const MAX_INFERENCE_MS = 60 * 60_000;

// ---- freshness defaults ----

/** Default freshness window of `decodeMessage`: older messages are `stale`. */
export const DEFAULT_MAX_AGE_MS = 60_000;
/** Default clock skew tolerated for timestamps in the future. */
export const DEFAULT_MAX_FUTURE_MS = 30_000;
