/**
 * The five payloads as the rest of webtensor sees them (hotkeys as SS58 text, hashes as hex,
 * tensors as TensorData), and their strict conversion to and from the protobuf payload bytes.
 * Every check runs both ways, so a peer cannot send what it would refuse to receive.
 * Pure: no DOM, no Node APIs.
 */
import { u8aToHex } from '@polkadot/util';
import type { TensorData } from '../subnets/types.ts';
import type { ExecutionProvider } from '../workers/engine.ts';
import {
  CHALLENGE_NONCE_MAX_BYTES,
  CHALLENGE_NONCE_MIN_BYTES,
  MAX_ERROR_CHARS,
  MAX_INFERENCE_MS,
  MAX_MULTIADDR_CHARS,
  MAX_MULTIADDRS,
  MAX_NAME_CHARS,
  MAX_U16,
  MAX_UIDS,
  type MessageKind,
} from './constants.ts';
import { ProtocolError } from './errors.ts';
import { hotkeyAddress, hotkeyPublicKey, PUBLIC_KEY_BYTES } from './signing.ts';
import { tensorsFromWire, tensorsToWire } from './tensors.ts';
import * as wire from './webtensor.ts';

export type { ExecutionProvider };

/** Hotkey as SS58 text; encoders accept any SS58 prefix or 0x-hex, decoders print format 42. */
export type Hotkey = string;

export const PROVIDERS: readonly ExecutionProvider[] = ['webgpu', 'wasm', 'cpu'];
export const EPOCH_SOURCES = ['chain', 'off-chain'] as const;
export type EpochSource = (typeof EPOCH_SOURCES)[number];

/** Gossip: a miner binds its PeerId (envelope) to its hotkey (envelope signer) and says what it runs. */
export interface AnnouncePayload {
  netuid: number;
  modelId: string;
  /** Lower-case hex SHA-256 of the model file (as in PinnedModel.sha256). */
  modelSha256: string;
  provider: ExecutionProvider;
  multiaddrs: string[];
}

/** Direct stream: validator → one miner. */
export interface ChallengePayload {
  netuid: number;
  /** The subnet's task spec id, e.g. 'digits-v1'. */
  taskId: string;
  /** The validator's id for this challenge (unique per validator; safe integer). */
  challengeId: number;
  /** 16..32 random bytes; the answer must echo them. */
  nonce: Uint8Array;
  /** Unix ms on the validator's clock; a miner should compare it with the envelope timestamp, not its own clock. */
  deadlineMs: number;
  /** The hotkey the challenge is meant for. */
  miner: Hotkey;
  inputs: Record<string, TensorData>;
}

/** Direct stream: miner → the validator that sent the challenge. */
export interface AnswerPayload {
  challengeId: number;
  /** The challenge's nonce, echoed. */
  nonce: Uint8Array;
  /** Must be the envelope's signer (checked on encode and decode). */
  miner: Hotkey;
  /** Empty when `error` is set. */
  outputs: Record<string, TensorData>;
  inferenceMs: number;
  provider: ExecutionProvider;
  /** Set when the miner could not answer (then there are no outputs). */
  error?: string;
}

/** Gossip: a validator's weights, as set (or to be set) with set_weights. */
export interface WeightVectorPayload {
  netuid: number;
  /** Must be the envelope's signer. */
  validator: Hotkey;
  /** u16, strictly increasing. */
  uids: number[];
  /** u16, one per uid. */
  weights: number[];
  versionKey: number;
  /** Chain block, or the off-chain round when there is no chain. */
  block: number;
}

/** Gossip: one epoch's outcome, dense per uid (index = uid), u16 fixed point as on chain. */
export interface EpochResultPayload {
  netuid: number;
  block: number;
  source: EpochSource;
  incentive: number[];
  dividends: number[];
  consensus: number[];
}

export interface PayloadByKind {
  announce: AnnouncePayload;
  challenge: ChallengePayload;
  answer: AnswerPayload;
  'weight-vector': WeightVectorPayload;
  'epoch-result': EpochResultPayload;
}

// ---- field checks (all throw ProtocolError('malformed') unless said otherwise) ----

function malformed(detail: string): ProtocolError {
  return new ProtocolError('malformed', detail);
}

function u16(x: unknown, field: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > MAX_U16) throw malformed(`${field}: ${String(x)} is not a u16`);
  return x;
}

function safeUint(x: unknown, field: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw malformed(`${field}: ${String(x)} is not a non-negative safe integer`);
  return x;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** An identifier: printable ASCII only (so every peer reads and re-encodes it the same way). */
function text(x: unknown, field: string, min: number, max: number): string {
  if (typeof x !== 'string' || x.length < min || x.length > max || !PRINTABLE_ASCII.test(x)) {
    throw malformed(`${field}: must be ${min}..${max} printable ASCII characters`);
  }
  return x;
}

/** Free text: any well-formed Unicode (the protobuf decoder does not validate UTF-8). */
function prose(x: unknown, field: string, max: number): string {
  if (typeof x !== 'string' || x.length > max || LONE_SURROGATE.test(x)) throw malformed(`${field}: must be well-formed text of at most ${max} characters`);
  return x;
}

function provider(x: unknown, field: string): ExecutionProvider {
  if (!PROVIDERS.includes(x as ExecutionProvider)) throw malformed(`${field}: ${JSON.stringify(x)} is not one of ${PROVIDERS.join(', ')}`);
  return x as ExecutionProvider;
}

function challengeNonce(x: unknown, field: string): Uint8Array {
  if (!(x instanceof Uint8Array) || x.length < CHALLENGE_NONCE_MIN_BYTES || x.length > CHALLENGE_NONCE_MAX_BYTES) {
    throw malformed(`${field}: must be ${CHALLENGE_NONCE_MIN_BYTES}..${CHALLENGE_NONCE_MAX_BYTES} bytes`);
  }
  return x;
}

function keyBytes(x: Uint8Array, field: string): Uint8Array {
  if (x.length !== PUBLIC_KEY_BYTES) throw malformed(`${field}: ${x.length}-byte key, expected ${PUBLIC_KEY_BYTES}`);
  return x;
}

function hotkeyIn(x: unknown, field: string): Uint8Array {
  if (typeof x !== 'string') throw malformed(`${field}: not a string`);
  return hotkeyPublicKey(x, field);
}

function u16Array(xs: unknown, field: string): number[] {
  if (!Array.isArray(xs)) throw malformed(`${field}: not an array`);
  if (xs.length > MAX_UIDS) throw malformed(`${field}: ${xs.length} entries, at most ${MAX_UIDS}`);
  xs.forEach((x, i) => u16(x, `${field}[${i}]`));
  return xs as number[];
}

function multiaddrs(xs: unknown): string[] {
  if (!Array.isArray(xs) || xs.length > MAX_MULTIADDRS) throw malformed(`multiaddrs: at most ${MAX_MULTIADDRS} strings`);
  for (const a of xs) {
    if (typeof a !== 'string' || !a.startsWith('/') || a.length > MAX_MULTIADDR_CHARS || !PRINTABLE_ASCII.test(a)) {
      throw malformed(`multiaddrs: ${JSON.stringify(a)} is not a multiaddr of at most ${MAX_MULTIADDR_CHARS} characters`);
    }
  }
  return xs as string[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

// ---- per-kind validation, in the wire representation (hotkeys and hashes as bytes) ----

function checkAnnounce(m: wire.Announce): wire.Announce {
  u16(m.netuid, 'netuid');
  text(m.modelId, 'modelId', 1, MAX_NAME_CHARS);
  if (m.modelSha256.length !== 32) throw malformed('modelSha256: expected 32 bytes');
  provider(m.provider, 'provider');
  multiaddrs(m.multiaddrs);
  return m;
}

function checkChallenge(m: wire.Challenge): wire.Challenge {
  u16(m.netuid, 'netuid');
  text(m.taskId, 'taskId', 1, MAX_NAME_CHARS);
  safeUint(m.challengeId, 'challengeId');
  challengeNonce(m.nonce, 'nonce');
  if (safeUint(m.deadlineMs, 'deadlineMs') === 0) throw malformed('deadlineMs: missing');
  keyBytes(m.miner, 'miner');
  if (m.inputs.length === 0) throw new ProtocolError('shape', 'a challenge needs at least one input tensor');
  return m;
}

function checkAnswer(m: wire.Answer): wire.Answer {
  safeUint(m.challengeId, 'challengeId');
  challengeNonce(m.nonce, 'nonce');
  keyBytes(m.miner, 'miner');
  if (typeof m.inferenceMs !== 'number' || !Number.isFinite(m.inferenceMs) || m.inferenceMs < 0 || m.inferenceMs > MAX_INFERENCE_MS) {
    throw malformed(`inferenceMs: ${String(m.inferenceMs)} is not in [0, ${MAX_INFERENCE_MS}]`);
  }
  provider(m.provider, 'provider');
  prose(m.error, 'error', MAX_ERROR_CHARS);
  if (m.error !== '' && m.outputs.length > 0) throw malformed('an answer with an error carries no outputs');
  if (m.error === '' && m.outputs.length === 0) throw new ProtocolError('shape', 'an answer needs outputs or an error');
  return m;
}

function checkWeightVector(m: wire.WeightVector): wire.WeightVector {
  u16(m.netuid, 'netuid');
  keyBytes(m.validator, 'validator');
  u16Array(m.uids, 'uids');
  u16Array(m.weights, 'weights');
  if (m.uids.length !== m.weights.length) throw malformed(`${m.uids.length} uids but ${m.weights.length} weights`);
  for (let i = 1; i < m.uids.length; i++) {
    if (m.uids[i] <= m.uids[i - 1]) throw malformed('uids: must be strictly increasing');
  }
  safeUint(m.versionKey, 'versionKey');
  safeUint(m.block, 'block');
  return m;
}

function checkEpochResult(m: wire.EpochResult): wire.EpochResult {
  u16(m.netuid, 'netuid');
  safeUint(m.block, 'block');
  if (!EPOCH_SOURCES.includes(m.source as EpochSource)) throw malformed(`source: ${JSON.stringify(m.source)} is not one of ${EPOCH_SOURCES.join(', ')}`);
  u16Array(m.incentive, 'incentive');
  u16Array(m.dividends, 'dividends');
  u16Array(m.consensus, 'consensus');
  if (m.dividends.length !== m.incentive.length || m.consensus.length !== m.incentive.length) {
    throw malformed('incentive, dividends and consensus must have one entry per uid each');
  }
  return m;
}

// ---- payload ↔ bytes ----

function hexToBytes32(hex: unknown, field: string): Uint8Array {
  if (typeof hex !== 'string' || !SHA256_HEX.test(hex)) throw malformed(`${field}: expected 64 lower-case hex characters`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function object(x: unknown, kind: MessageKind): Record<string, unknown> {
  if (!x || typeof x !== 'object') throw malformed(`${kind} payload is not an object`);
  return x as Record<string, unknown>;
}

/** Validates `payload` and encodes it to the protobuf payload bytes of `kind`. */
export function encodePayload<K extends MessageKind>(kind: K, payload: PayloadByKind[K]): Uint8Array {
  const p = object(payload, kind);
  switch (kind) {
    case 'announce':
      return wire.Announce.encode(
        checkAnnounce({
          netuid: p.netuid as number,
          modelId: p.modelId as string,
          modelSha256: hexToBytes32(p.modelSha256, 'modelSha256'),
          provider: p.provider as string,
          multiaddrs: multiaddrs(p.multiaddrs),
        }),
      );
    case 'challenge':
      return wire.Challenge.encode(
        checkChallenge({
          netuid: p.netuid as number,
          taskId: p.taskId as string,
          challengeId: p.challengeId as number,
          nonce: challengeNonce(p.nonce, 'nonce'),
          deadlineMs: p.deadlineMs as number,
          miner: hotkeyIn(p.miner, 'miner'),
          inputs: tensorsToWire(p.inputs as Record<string, TensorData>),
        }),
      );
    case 'answer':
      return wire.Answer.encode(
        checkAnswer({
          challengeId: p.challengeId as number,
          nonce: challengeNonce(p.nonce, 'nonce'),
          miner: hotkeyIn(p.miner, 'miner'),
          outputs: tensorsToWire((p.outputs ?? {}) as Record<string, TensorData>),
          inferenceMs: p.inferenceMs as number,
          provider: p.provider as string,
          error: (p.error ?? '') as string,
        }),
      );
    case 'weight-vector':
      return wire.WeightVector.encode(
        checkWeightVector({
          netuid: p.netuid as number,
          validator: hotkeyIn(p.validator, 'validator'),
          uids: u16Array(p.uids, 'uids'),
          weights: u16Array(p.weights, 'weights'),
          versionKey: p.versionKey as number,
          block: p.block as number,
        }),
      );
    case 'epoch-result':
      return wire.EpochResult.encode(
        checkEpochResult({
          netuid: p.netuid as number,
          block: p.block as number,
          source: p.source as string,
          incentive: u16Array(p.incentive, 'incentive'),
          dividends: u16Array(p.dividends, 'dividends'),
          consensus: u16Array(p.consensus, 'consensus'),
        }),
      );
    default:
      throw new ProtocolError('unknown-kind', `no payload codec for ${String(kind)}`);
  }
}

function protobuf<T>(kind: MessageKind, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new ProtocolError('malformed', `${kind} payload is not valid protobuf`, { cause: error });
  }
}

/** Decodes and validates the protobuf payload bytes of `kind` (the caller checked the size cap). */
export function decodePayload<K extends MessageKind>(kind: K, bytes: Uint8Array): PayloadByKind[K] {
  return decodeAny(kind, bytes) as PayloadByKind[K];
}

function decodeAny(kind: MessageKind, bytes: Uint8Array): PayloadByKind[MessageKind] {
  switch (kind) {
    case 'announce': {
      const m = checkAnnounce(protobuf(kind, () => wire.Announce.decode(bytes)));
      return { netuid: m.netuid, modelId: m.modelId, modelSha256: u8aToHex(m.modelSha256, -1, false), provider: m.provider as ExecutionProvider, multiaddrs: m.multiaddrs };
    }
    case 'challenge': {
      const m = checkChallenge(protobuf(kind, () => wire.Challenge.decode(bytes)));
      return {
        netuid: m.netuid,
        taskId: m.taskId,
        challengeId: m.challengeId,
        nonce: m.nonce.slice(),
        deadlineMs: m.deadlineMs,
        miner: hotkeyAddress(m.miner),
        inputs: tensorsFromWire(m.inputs),
      };
    }
    case 'answer': {
      const m = checkAnswer(protobuf(kind, () => wire.Answer.decode(bytes)));
      const answer: AnswerPayload = {
        challengeId: m.challengeId,
        nonce: m.nonce.slice(),
        miner: hotkeyAddress(m.miner),
        outputs: tensorsFromWire(m.outputs),
        inferenceMs: m.inferenceMs,
        provider: m.provider as ExecutionProvider,
      };
      if (m.error !== '') answer.error = m.error;
      return answer;
    }
    case 'weight-vector': {
      const m = checkWeightVector(protobuf(kind, () => wire.WeightVector.decode(bytes)));
      return { netuid: m.netuid, validator: hotkeyAddress(m.validator), uids: m.uids, weights: m.weights, versionKey: m.versionKey, block: m.block };
    }
    case 'epoch-result': {
      const m = checkEpochResult(protobuf(kind, () => wire.EpochResult.decode(bytes)));
      return { netuid: m.netuid, block: m.block, source: m.source as EpochSource, incentive: m.incentive, dividends: m.dividends, consensus: m.consensus };
    }
    default:
      throw new ProtocolError('unknown-kind', `no payload codec for ${String(kind)}`);
  }
}
