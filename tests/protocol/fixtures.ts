/** Shared fixtures for the protocol tests: hotkeys, PeerIds and one valid payload of every kind. */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { KeyringPair } from '@polkadot/keyring/types';
import { keypair } from '../../src/chain/keys.ts';
import { DIGITS_INPUT, DIGITS_OUTPUT } from '../../src/subnets/index.ts';
import type { TensorData } from '../../src/subnets/types.ts';
import {
  protocolReady,
  type AnnouncePayload,
  type AnswerPayload,
  type ChallengePayload,
  type EpochResultPayload,
  type PayloadByKind,
  type WeightVectorPayload,
} from '../../src/protocol/index.ts';

export const NOW = 1_750_000_000_000;
export const NETUID = 7;

export interface Party {
  pair: KeyringPair;
  peerId: string;
}

async function party(uri: string, seedByte: number): Promise<Party> {
  const key = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(seedByte));
  return { pair: keypair(uri), peerId: peerIdFromPrivateKey(key).toString() };
}

export interface World {
  validator: Party;
  minerA: Party;
  minerB: Party;
}

let world: Promise<World> | undefined;

/** Keys and PeerIds, made once per test file. */
export function setup(): Promise<World> {
  world ??= (async () => {
    await protocolReady();
    return {
      validator: await party('//Alice//validator', 1),
      minerA: await party('//Bob//miner0', 2),
      minerB: await party('//Charlie//miner1', 3),
    };
  })();
  return world;
}

/** Deterministic pseudo-random floats in [0, 1). */
export function floats(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 32;
  }
  return out;
}

export function nonce(byte: number, length = 16): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

/** A digits-style batch: inputs [B,1,28,28] float32. */
export function digitsInputs(batch = 32): Record<string, TensorData> {
  return { [DIGITS_INPUT]: { dtype: 'float32', dims: [batch, 1, 28, 28], data: floats(batch * 28 * 28, 7) } };
}

export function digitsOutputs(batch = 32): Record<string, TensorData> {
  return { [DIGITS_OUTPUT]: { dtype: 'float32', dims: [batch, 10], data: floats(batch * 10, 9) } };
}

export function announce(): AnnouncePayload {
  return {
    netuid: NETUID,
    modelId: 'cnn',
    modelSha256: 'ab'.repeat(32),
    provider: 'webgpu',
    multiaddrs: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWRelay/p2p-circuit'],
  };
}

export function challenge(miner: string, batch = 32, id = 42): ChallengePayload {
  return { netuid: NETUID, taskId: 'digits-v1', challengeId: id, nonce: nonce(0xc1), deadlineMs: NOW + 10_000, miner, inputs: digitsInputs(batch) };
}

export function answer(ch: ChallengePayload, miner: string, batch = 32): AnswerPayload {
  return { challengeId: ch.challengeId, nonce: ch.nonce, miner, outputs: digitsOutputs(batch), inferenceMs: 12.5, provider: 'wasm' };
}

export function weights(validator: string): WeightVectorPayload {
  return { netuid: NETUID, validator, uids: [0, 3, 4, 250], weights: [65535, 0, 1200, 7], versionKey: 1_002_003, block: 123_456 };
}

export function epoch(): EpochResultPayload {
  return { netuid: NETUID, block: 123_460, source: 'off-chain', incentive: [0, 65535, 100], dividends: [65535, 0, 0], consensus: [10, 20, 30] };
}

/** One valid payload per kind (hotkeys from `w`). */
export function samples(w: World): { [K in keyof PayloadByKind]: PayloadByKind[K] } {
  const ch = challenge(w.minerA.pair.address);
  return {
    announce: announce(),
    challenge: ch,
    answer: answer(ch, w.minerA.pair.address),
    'weight-vector': weights(w.validator.pair.address),
    'epoch-result': epoch(),
  };
}

/** Who sends each kind in `samples`. */
export function senderOf(w: World, kind: keyof PayloadByKind): Party {
  return kind === 'announce' || kind === 'answer' ? w.minerA : w.validator;
}
