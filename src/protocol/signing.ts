/**
 * Hotkeys, signers and the envelope signature. Pure: no DOM, no Node APIs.
 *
 * The hotkey signs, with sr25519, these bytes (all integers little-endian):
 *
 *   "webtensor/envelope/v1" 0x00        domain separation: never valid as anything else
 *   u32 version, u32 kind
 *   32-byte sender public key
 *   u32 byte length ‖ UTF-8 PeerId      so an Announce binds this PeerId to this hotkey
 *   u64 timestamp ms
 *   u32 byte length ‖ nonce
 *   blake2b-256(payload bytes as sent)  netuid, model sha256, challenge nonce... live in the payload
 *
 * A verifier accepts a signature over exactly these bytes, or over `<Bytes>` ‖ bytes ‖ `</Bytes>`,
 * which is what a wallet extension's `signRaw({ type: 'bytes' })` signs. Only sr25519 counts (not
 * util-crypto's `signatureVerify`, which would also accept ed25519/ecdsa for the same 32 bytes).
 * Verification runs in schnorrkel's WASM build (the chain's own implementation) once the crypto
 * WASM is ready, else in util-crypto's pure-JS sr25519.
 */
import { hexToU8a, isHex, u8aEq, u8aToHex, u8aWrapBytes } from '@polkadot/util';
// The schnorrkel WASM build util-crypto itself depends on and initialises in cryptoWaitReady();
// util-crypto 14's own sr25519Verify is pure JS (@scure/sr25519) and ~7x slower.
import { decodePair } from '@polkadot/keyring/pair/decode';
import { isReady as wasmIsReady, sr25519Sign as wasmSr25519Sign, sr25519Verify as wasmSr25519Verify } from '@polkadot/wasm-crypto';
import { blake2AsU8a, cryptoIsReady, cryptoWaitReady, decodeAddress, encodeAddress, sr25519Verify } from '@polkadot/util-crypto';
import { ProtocolError } from './errors.ts';

/** SS58 prefix hotkeys are printed with (Bittensor / generic Substrate). */
export const SS58_FORMAT = 42;
export const SIGNING_DOMAIN = 'webtensor/envelope/v1';
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/**
 * Anything that signs with an sr25519 hotkey: a `@polkadot/keyring` pair fits as is, so does a
 * browser burner key; `signerFromSignRaw` adapts a wallet extension. `address` is SS58 (any
 * prefix) or a 0x-hex 32-byte public key.
 */
export interface Signer {
  readonly address: string;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** What `signWith` needs to see in a `@polkadot/keyring` pair to sign with its secret key itself. */
interface KeyringPairLike {
  readonly type?: string;
  readonly publicKey?: Uint8Array;
  encodePkcs8?(passphrase?: string): Uint8Array;
}

const wasmKeys = new WeakMap<Signer, { publicKey: Uint8Array; secretKey: Uint8Array } | null>();

/**
 * Signs `message` with `signer`. An unlocked sr25519 keyring pair is signed with the WASM sr25519
 * directly: util-crypto 14's own sr25519Sign (what `pair.sign` calls) is pure JS, ~0.9 ms a
 * signature here against ~0.1 ms — and every challenge and answer is signed. Anything else (a
 * wallet extension, a locked pair) signs through its own `sign`.
 */
export async function signWith(signer: Signer, message: Uint8Array): Promise<Uint8Array> {
  let keys = wasmKeys.get(signer);
  if (keys === undefined) {
    keys = null;
    const pair = signer as Signer & KeyringPairLike;
    if (pair.type === 'sr25519' && pair.publicKey?.length === PUBLIC_KEY_BYTES && typeof pair.encodePkcs8 === 'function') {
      try {
        keys = { publicKey: pair.publicKey, secretKey: decodePair(undefined, pair.encodePkcs8(), []).secretKey };
      } catch {
        keys = null; // locked or not a plain pair: use its own sign
      }
    }
    wasmKeys.set(signer, keys);
  }
  return keys && wasmIsReady() ? wasmSr25519Sign(keys.publicKey, keys.secretKey, message) : signer.sign(message);
}

/** Resolves once the crypto WASM is ready. Await it once before encoding or decoding messages. */
export async function protocolReady(): Promise<void> {
  await cryptoWaitReady();
}

export function assertProtocolReady(): void {
  if (!cryptoIsReady()) throw new Error('webtensor protocol: await protocolReady() before encoding or decoding messages');
}

/** The 32-byte public key of a hotkey given as SS58 or 0x-hex; ProtocolError('malformed') otherwise. */
export function hotkeyPublicKey(address: string, field = 'hotkey'): Uint8Array {
  let key: Uint8Array;
  try {
    key = decodeAddress(address);
  } catch (error) {
    throw new ProtocolError('malformed', `${field}: not an SS58 address or hex public key`, { cause: error });
  }
  if (key.length !== PUBLIC_KEY_BYTES) throw new ProtocolError('malformed', `${field}: ${key.length}-byte key, expected ${PUBLIC_KEY_BYTES}`);
  return key;
}

/** The SS58 (format 42) text of a 32-byte public key. */
export function hotkeyAddress(publicKey: Uint8Array): string {
  return encodeAddress(publicKey, SS58_FORMAT);
}

/** True when two hotkeys (SS58 of any prefix, or hex) name the same key. Never throws. */
export function sameHotkey(a: string, b: string): boolean {
  try {
    return u8aEq(hotkeyPublicKey(a), hotkeyPublicKey(b));
  } catch {
    return false;
  }
}

export interface SignedFields {
  version: number;
  kindCode: number;
  sender: Uint8Array;
  peerId: string;
  timestampMs: number;
  nonce: Uint8Array;
  payload: Uint8Array;
}

const DOMAIN_BYTES = new TextEncoder().encode(SIGNING_DOMAIN);
const utf8 = new TextEncoder();

/** The exact bytes the hotkey signs for an envelope (see the module comment). */
export function signingBytes(f: SignedFields): Uint8Array {
  const peer = utf8.encode(f.peerId);
  const digest = blake2AsU8a(f.payload, 256);
  const out = new Uint8Array(DOMAIN_BYTES.length + 1 + 4 + 4 + f.sender.length + 4 + peer.length + 8 + 4 + f.nonce.length + digest.length);
  const view = new DataView(out.buffer);
  let o = 0;
  out.set(DOMAIN_BYTES, o);
  o += DOMAIN_BYTES.length;
  out[o++] = 0;
  view.setUint32(o, f.version, true);
  o += 4;
  view.setUint32(o, f.kindCode, true);
  o += 4;
  out.set(f.sender, o);
  o += f.sender.length;
  view.setUint32(o, peer.length, true);
  o += 4;
  out.set(peer, o);
  o += peer.length;
  view.setUint32(o, f.timestampMs % 0x1_0000_0000, true);
  view.setUint32(o + 4, Math.floor(f.timestampMs / 0x1_0000_0000), true);
  o += 8;
  view.setUint32(o, f.nonce.length, true);
  o += 4;
  out.set(f.nonce, o);
  o += f.nonce.length;
  out.set(digest, o);
  return out;
}

/** One sr25519 verification, WASM when ready, else JS. Never throws. */
function verifyOnce(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array, backend: 'auto' | 'js'): boolean {
  try {
    return backend === 'auto' && wasmIsReady() ? wasmSr25519Verify(signature, message, publicKey) : sr25519Verify(message, signature, publicKey);
  } catch {
    return false; // not a valid point or scalar
  }
}

/**
 * sr25519 check of `signature` over `message` or its `<Bytes>` wrapping. Never throws.
 * `backend: 'js'` forces util-crypto's pure-JS verifier (tests cross-check the two).
 */
export function verifySr25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array, backend: 'auto' | 'js' = 'auto'): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  return verifyOnce(message, signature, publicKey, backend) || verifyOnce(u8aWrapBytes(message), signature, publicKey, backend);
}

/** What a wallet extension's `signer.signRaw` (from `@polkadot/extension-dapp`) looks like. */
export type SignRaw = (request: { address: string; data: string; type: 'bytes' }) => Promise<{ signature: string }>;

/**
 * A Signer around a wallet extension's `signRaw`. The extension signs the `<Bytes>`-wrapped message,
 * which verifiers accept. A MultiSignature-prefixed (0x01 ‖ 64 bytes) sr25519 signature is
 * unwrapped; anything that does not verify as sr25519 for `address` (e.g. an ed25519 account)
 * throws here, at the signer, instead of producing messages every peer refuses.
 */
export function signerFromSignRaw(address: string, signRaw: SignRaw): Signer {
  const publicKey = hotkeyPublicKey(address, 'signer address');
  return {
    address,
    async sign(message: Uint8Array): Promise<Uint8Array> {
      const { signature } = await signRaw({ address, data: u8aToHex(message), type: 'bytes' });
      if (!isHex(signature)) throw new Error('signRaw returned a signature that is not hex');
      let sig = hexToU8a(signature);
      if (sig.length === SIGNATURE_BYTES + 1 && sig[0] === 1) sig = sig.subarray(1);
      if (!verifySr25519(message, sig, publicKey)) {
        throw new Error(`signRaw for ${address} did not return a valid sr25519 signature (is the account sr25519?)`);
      }
      return sig;
    },
  };
}
