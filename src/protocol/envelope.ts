/**
 * Signed envelopes: `encodeMessage` validates a payload, encodes it and signs it with the sender's
 * hotkey; `decodeMessage` checks, in order: size cap (before any decoding), protobuf, version,
 * kind, payload cap, header fields, PeerId, freshness, payload, sender binding, netuid, recipient,
 * signature and finally the replay guard. Any refusal is a ProtocolError with a closed `reason`.
 * Pure: no DOM, no Node APIs.
 */
import { u8aEq } from '@polkadot/util';
import { randomAsU8a } from '@polkadot/util-crypto';
import { peerIdFromString } from '@libp2p/peer-id';
import {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_FUTURE_MS,
  ENVELOPE_NONCE_BYTES,
  KIND_CODES,
  kindFromCode,
  MAX_CHALLENGE_WINDOW_MS,
  MAX_PAYLOAD_BYTES,
  MAX_PEER_ID_CHARS,
  maxEnvelopeBytes,
  PROTOCOL_VERSION,
  type MessageKind,
} from './constants.ts';
import { ProtocolError } from './errors.ts';
import { decodePayload, encodePayload, type ChallengePayload, type PayloadByKind } from './messages.ts';
import type { ReplayGuard } from './replay.ts';
import {
  assertProtocolReady,
  hotkeyAddress,
  hotkeyPublicKey,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  signingBytes,
  signWith,
  verifySr25519,
  type Signer,
} from './signing.ts';
import { Envelope } from './webtensor.ts';

/** Who sent a message, as the envelope says and its signature proves. */
export interface Sender {
  /** SS58 (format 42) of the signing hotkey. */
  hotkey: string;
  publicKey: Uint8Array;
  /** libp2p PeerId (base58btc), bound to the hotkey by the signature. */
  peerId: string;
  /** Sender's clock, unix ms. */
  timestampMs: number;
  nonce: Uint8Array;
}

export type DecodedMessage<K extends MessageKind = MessageKind> = {
  [P in K]: { kind: P; payload: PayloadByKind[P]; sender: Sender };
}[K];

export interface EncodeOptions {
  /** This node's libp2p PeerId (base58btc, as `peerId.toString()` prints it). */
  peerId: string;
  /** Timestamp to put in the envelope (default Date.now()). */
  now?: number;
  /** Envelope nonce (default 16 random bytes); tests only. */
  nonce?: Uint8Array;
}

export interface DecodeOptions<K extends MessageKind = MessageKind> {
  /** The receiver's clock, unix ms (default Date.now()). */
  now?: number;
  /** Older than this is `stale` (default DEFAULT_MAX_AGE_MS). */
  maxAgeMs?: number;
  /** Further ahead than this is `future` (default DEFAULT_MAX_FUTURE_MS). */
  maxFutureMs?: number;
  /** Refuses a (sender, nonce) pair seen before; its `windowMs` must be at least `maxAgeMs`. */
  replay?: ReplayGuard;
  /** The libp2p peer the bytes came from (stream remote peer, or gossip `msg.from`). */
  expectedPeerId?: string;
  /** The only kind acceptable here (e.g. from the topic); also tightens the size cap before decoding. */
  expectedKind?: K;
  /** The netuid of the topic / stream; refuses payloads for another subnet. */
  expectedNetuid?: number;
  /** This miner's hotkey: refuses challenges meant for another hotkey. */
  recipient?: string;
}

function malformed(detail: string): ProtocolError {
  return new ProtocolError('malformed', detail);
}

function checkPeerId(peerId: unknown): string {
  if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > MAX_PEER_ID_CHARS) {
    throw malformed(`peerId: must be 1..${MAX_PEER_ID_CHARS} characters`);
  }
  let canonical: string;
  try {
    canonical = peerIdFromString(peerId).toString();
  } catch (error) {
    throw new ProtocolError('malformed', 'peerId: not a libp2p PeerId', { cause: error });
  }
  if (canonical !== peerId) throw malformed('peerId: not in canonical (base58btc) form');
  return peerId;
}

function checkTimestamp(ts: unknown, field: string): number {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts <= 0) throw malformed(`${field}: not a positive safe integer`);
  return ts;
}

/** Cross-field checks that need the envelope: the signer named in the payload, the challenge window. */
function checkBinding(kind: MessageKind, payload: PayloadByKind[MessageKind], sender: Uint8Array, timestampMs: number): void {
  if (kind === 'answer') {
    const miner = hotkeyPublicKey((payload as PayloadByKind['answer']).miner, 'miner');
    if (!u8aEq(miner, sender)) throw new ProtocolError('sender-mismatch', 'answer.miner is not the envelope signer');
  } else if (kind === 'weight-vector') {
    const validator = hotkeyPublicKey((payload as PayloadByKind['weight-vector']).validator, 'validator');
    if (!u8aEq(validator, sender)) throw new ProtocolError('sender-mismatch', 'weightVector.validator is not the envelope signer');
  } else if (kind === 'challenge') {
    const { deadlineMs } = payload as ChallengePayload;
    if (deadlineMs <= timestampMs || deadlineMs - timestampMs > MAX_CHALLENGE_WINDOW_MS) {
      throw malformed(`challenge deadline must be within ${MAX_CHALLENGE_WINDOW_MS} ms after the envelope timestamp`);
    }
  }
}

/**
 * Validates `payload`, encodes it and signs the envelope with `signer` (an async signer, e.g. a
 * wallet extension, is awaited). Throws ProtocolError for an invalid payload or an oversized
 * message; the bytes it returns pass `decodeMessage` on any peer (clock skew aside).
 */
export async function encodeMessage<K extends MessageKind>(kind: K, payload: PayloadByKind[K], signer: Signer, options: EncodeOptions): Promise<Uint8Array> {
  assertProtocolReady();
  if (!Object.hasOwn(KIND_CODES, kind)) throw new ProtocolError('unknown-kind', `unknown kind ${String(kind)}`);
  const code = KIND_CODES[kind];
  const sender = hotkeyPublicKey(signer.address, 'signer address');
  const peerId = checkPeerId(options.peerId);
  const timestampMs = checkTimestamp(options.now ?? Date.now(), 'now');
  const nonce = options.nonce ?? randomAsU8a(ENVELOPE_NONCE_BYTES);
  if (nonce.length !== ENVELOPE_NONCE_BYTES) throw malformed(`nonce: expected ${ENVELOPE_NONCE_BYTES} bytes`);

  const bytes = encodePayload(kind, payload);
  if (bytes.length > MAX_PAYLOAD_BYTES[kind]) {
    throw new ProtocolError('oversized', `${kind} payload is ${bytes.length} bytes, the cap is ${MAX_PAYLOAD_BYTES[kind]}`);
  }
  checkBinding(kind, payload, sender, timestampMs);

  const fields = { version: PROTOCOL_VERSION, kindCode: code, sender, peerId, timestampMs, nonce, payload: bytes };
  const signature = await signWith(signer, signingBytes(fields));
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) {
    throw new Error(`signer returned ${signature?.length} bytes, expected a ${SIGNATURE_BYTES}-byte sr25519 signature`);
  }
  const out = Envelope.encode({ version: PROTOCOL_VERSION, kind: code, payload: bytes, sender, peerId, timestampMs, nonce, signature });
  if (out.length > maxEnvelopeBytes(kind)) throw new ProtocolError('oversized', `${kind} envelope is ${out.length} bytes, the cap is ${maxEnvelopeBytes(kind)}`);
  return out;
}

/**
 * Decodes and verifies one envelope. Returns the typed payload and its proven sender, or throws a
 * ProtocolError (and nothing else, whatever the bytes) whose `reason` says why it was refused.
 * Synchronous; await `protocolReady()` once first.
 */
export function decodeMessage<K extends MessageKind = MessageKind>(bytes: Uint8Array, options: DecodeOptions<K> = {}): DecodedMessage<K> {
  assertProtocolReady();
  const now = options.now ?? Date.now();
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const maxFutureMs = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (options.expectedKind !== undefined && !Object.hasOwn(KIND_CODES, options.expectedKind)) {
    throw new Error(`expectedKind ${String(options.expectedKind)} is not a message kind`);
  }
  if (options.replay && options.replay.windowMs < maxAgeMs) {
    throw new Error(`ReplayGuard window (${options.replay.windowMs} ms) is shorter than maxAgeMs (${maxAgeMs} ms): replays could slip through`);
  }

  // 1. Size, before any decoding.
  if (!(bytes instanceof Uint8Array)) throw malformed('message is not a Uint8Array');
  const cap = maxEnvelopeBytes(options.expectedKind);
  if (bytes.length > cap) throw new ProtocolError('oversized', `${bytes.length} bytes, the cap is ${cap}`);
  if (bytes.length === 0) throw malformed('empty message');

  // 2. Envelope.
  let env: Envelope;
  try {
    env = Envelope.decode(bytes);
  } catch (error) {
    throw new ProtocolError('malformed', 'not a protobuf envelope', { cause: error });
  }
  if (env.version !== PROTOCOL_VERSION) throw new ProtocolError('unsupported-version', `version ${env.version}, this peer speaks ${PROTOCOL_VERSION}`);
  const kind = kindFromCode(env.kind);
  if (kind === undefined) throw new ProtocolError('unknown-kind', `kind ${env.kind}`);
  if (options.expectedKind !== undefined && kind !== options.expectedKind) {
    throw new ProtocolError('wrong-kind', `${kind}, expected ${options.expectedKind}`);
  }
  if (env.payload.length > MAX_PAYLOAD_BYTES[kind]) {
    throw new ProtocolError('oversized', `${kind} payload is ${env.payload.length} bytes, the cap is ${MAX_PAYLOAD_BYTES[kind]}`);
  }
  if (env.payload.length === 0) throw malformed('empty payload');
  if (env.sender.length !== PUBLIC_KEY_BYTES) throw malformed(`sender: ${env.sender.length} bytes, expected ${PUBLIC_KEY_BYTES}`);
  if (env.nonce.length !== ENVELOPE_NONCE_BYTES) throw malformed(`nonce: ${env.nonce.length} bytes, expected ${ENVELOPE_NONCE_BYTES}`);
  if (env.signature.length !== SIGNATURE_BYTES) throw malformed(`signature: ${env.signature.length} bytes, expected ${SIGNATURE_BYTES}`);
  const timestampMs = checkTimestamp(env.timestampMs, 'timestamp');

  // 3. Transport binding and freshness (cheap; refuse before hashing or verifying anything).
  const peerId = checkPeerId(env.peerId);
  if (options.expectedPeerId !== undefined && peerId !== options.expectedPeerId) {
    throw new ProtocolError('peer-mismatch', `envelope says ${peerId}, the bytes came from ${options.expectedPeerId}`);
  }
  if (timestampMs < now - maxAgeMs) throw new ProtocolError('stale', `${now - timestampMs} ms old, the window is ${maxAgeMs} ms`);
  if (timestampMs > now + maxFutureMs) throw new ProtocolError('future', `${timestampMs - now} ms ahead, the tolerance is ${maxFutureMs} ms`);

  // 4. Payload and the checks that need it.
  const payload = decodePayload(kind, env.payload);
  checkBinding(kind, payload, env.sender, timestampMs);
  if (options.expectedNetuid !== undefined && 'netuid' in payload && payload.netuid !== options.expectedNetuid) {
    throw new ProtocolError('wrong-netuid', `netuid ${payload.netuid}, expected ${options.expectedNetuid}`);
  }
  if (options.recipient !== undefined && kind === 'challenge') {
    const miner = hotkeyPublicKey((payload as ChallengePayload).miner, 'miner');
    if (!u8aEq(miner, hotkeyPublicKey(options.recipient, 'recipient'))) {
      throw new ProtocolError('wrong-recipient', `challenge is for ${(payload as ChallengePayload).miner}`);
    }
  }

  // 5. Signature, then replay (only verified messages may enter the guard).
  const message = signingBytes({ version: env.version, kindCode: env.kind, sender: env.sender, peerId, timestampMs, nonce: env.nonce, payload: env.payload });
  if (!verifySr25519(message, env.signature, env.sender)) throw new ProtocolError('bad-signature', `signature does not verify for ${hotkeyAddress(env.sender)}`);
  if (options.replay) {
    const verdict = options.replay.admit(env.sender, env.nonce, timestampMs, now);
    if (verdict === 'replayed') throw new ProtocolError('replayed', 'this (sender, nonce) was seen before');
    if (verdict === 'stale') throw new ProtocolError('stale', 'older than what the replay guard still remembers');
  }

  const sender: Sender = { hotkey: hotkeyAddress(env.sender), publicKey: env.sender.slice(), peerId, timestampMs, nonce: env.nonce.slice() };
  return { kind, payload, sender } as DecodedMessage<K>;
}

/**
 * The validator's check that `answer` answers `challenge` (which it sent): same challenge id, the
 * challenge's nonce echoed, signed by the hotkey the challenge was for, and (given `now`) not after
 * the deadline. So a miner cannot pass off another miner's answer, or an answer to another
 * challenge, as its own. Throws ProtocolError('unbound' | 'late').
 */
export function checkAnswer(challenge: ChallengePayload, answer: DecodedMessage<'answer'>, now?: number): void {
  if (answer.payload.challengeId !== challenge.challengeId) {
    throw new ProtocolError('unbound', `answer is for challenge ${answer.payload.challengeId}, not ${challenge.challengeId}`);
  }
  if (!u8aEq(answer.payload.nonce, challenge.nonce)) throw new ProtocolError('unbound', 'answer does not echo the challenge nonce');
  if (!u8aEq(answer.sender.publicKey, hotkeyPublicKey(challenge.miner, 'challenge.miner'))) {
    throw new ProtocolError('unbound', `answer signed by ${answer.sender.hotkey}, the challenge was for ${challenge.miner}`);
  }
  if (now !== undefined && now > challenge.deadlineMs) throw new ProtocolError('late', `${now - challenge.deadlineMs} ms after the deadline`);
}
