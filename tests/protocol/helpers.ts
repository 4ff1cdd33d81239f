/** Test helpers: capture a ProtocolError's reason, re-wrap envelopes, sign arbitrary payload bytes. */
import { expect } from 'vitest';
import { ProtocolError, PROTOCOL_VERSION, signingBytes, type ProtocolErrorReason } from '../../src/protocol/index.ts';
import { Envelope } from '../../src/protocol/webtensor.ts';
import { NOW, nonce as fill, type Party } from './fixtures.ts';

/** Every reason some test has seen, so a test can check that all of them are exercised. */
export const seenReasons = new Set<ProtocolErrorReason>();

/** Runs `f` and returns the reason of the ProtocolError it throws; fails on success or another error. */
export async function reasonOf(f: () => unknown): Promise<ProtocolErrorReason> {
  try {
    await f();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(ProtocolError);
    const reason = (error as ProtocolError).reason;
    seenReasons.add(reason);
    return reason;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

/** Decodes the envelope, lets `mutate` change it and re-encodes it (the signature is left as it was). */
export function reenvelope(bytes: Uint8Array, mutate: (env: Envelope) => void): Uint8Array {
  const env = Envelope.decode(bytes);
  const copy: Envelope = { ...env, payload: env.payload.slice(), sender: env.sender.slice(), nonce: env.nonce.slice(), signature: env.signature.slice() };
  mutate(copy);
  return Envelope.encode(copy);
}

export interface ForgeOptions {
  version?: number;
  now?: number;
  nonce?: Uint8Array;
  peerId?: string;
}

/**
 * A correctly signed envelope around arbitrary payload bytes (no payload validation), so tests can
 * show the decoder itself refuses what an honest encoder would never produce.
 */
export function signedEnvelope(kindCode: number, payload: Uint8Array, party: Party, options: ForgeOptions = {}): Uint8Array {
  const fields = {
    version: options.version ?? PROTOCOL_VERSION,
    kindCode,
    sender: party.pair.publicKey,
    peerId: options.peerId ?? party.peerId,
    timestampMs: options.now ?? NOW,
    nonce: options.nonce ?? fill(0x5a),
    payload,
  };
  const signature = party.pair.sign(signingBytes(fields));
  return Envelope.encode({ version: fields.version, kind: kindCode, payload, sender: fields.sender, peerId: fields.peerId, timestampMs: fields.timestampMs, nonce: fields.nonce, signature });
}
