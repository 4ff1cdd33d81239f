/**
 * The one error the wire protocol throws for bad input. `reason` comes from a closed set so the
 * relay and the validator can count rejections by reason (a Prometheus label) without parsing
 * messages. Pure: no DOM, no Node APIs.
 */

/** Every reason a message can be refused, in roughly the order `decodeMessage` checks them. */
export const PROTOCOL_ERROR_REASONS = [
  /** Not a protobuf Envelope, a field missing or out of range, a bad PeerId or hotkey. */
  'malformed',
  /** Bigger than the cap for the whole envelope or for the payload's kind (checked before decoding). */
  'oversized',
  /** Envelope version is not PROTOCOL_VERSION. */
  'unsupported-version',
  /** Envelope kind is a number this version does not know. */
  'unknown-kind',
  /** A kind other than the one the caller expects on this topic / stream. */
  'wrong-kind',
  /** The envelope's PeerId is not the libp2p peer the bytes came from. */
  'peer-mismatch',
  /** Timestamp older than the freshness window (or than what the replay guard still remembers). */
  'stale',
  /** Timestamp further in the future than the allowed clock skew. */
  'future',
  /** A tensor is inconsistent: unknown dtype, bad dims, byte length != product(dims) * itemsize. */
  'shape',
  /** A hotkey inside the payload (answer miner, weight-vector validator) is not the envelope's signer. */
  'sender-mismatch',
  /** The payload's netuid is not the one the caller expects (e.g. the gossip topic's). */
  'wrong-netuid',
  /** A challenge meant for another miner's hotkey. */
  'wrong-recipient',
  /** The sr25519 signature does not verify for the claimed hotkey. */
  'bad-signature',
  /** (sender, nonce) seen before within the freshness window. */
  'replayed',
  /** An answer whose challenge id, nonce or miner hotkey is not the challenge's. */
  'unbound',
  /** An answer that arrived after the challenge's deadline. */
  'late',
] as const;

export type ProtocolErrorReason = (typeof PROTOCOL_ERROR_REASONS)[number];

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly reason: ProtocolErrorReason;

  constructor(reason: ProtocolErrorReason, detail: string, options?: { cause?: unknown }) {
    super(`${reason}: ${detail}`, options);
    this.reason = reason;
  }
}

export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}

/** Throws `ProtocolError(reason, detail)` unless `condition` holds. */
export function check(condition: unknown, reason: ProtocolErrorReason, detail: string): asserts condition {
  if (!condition) throw new ProtocolError(reason, detail);
}
