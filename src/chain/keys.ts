/**
 * Keys from dev URIs (`//Alice`, `//Alice//validator0`, `//Bob//miner3`) or mnemonics. sr25519,
 * SS58 format 42 (the Bittensor / generic Substrate format). Browser-safe.
 */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';

export const SS58_FORMAT = 42;

let keyring: Keyring | undefined;

/** Resolves once the sr25519 WASM is ready; call before `keypair`. */
export async function keysReady(): Promise<void> {
  await cryptoWaitReady();
}

/** An sr25519 keypair from a dev URI or mnemonic (call `keysReady()` first). */
export function keypair(uri: string): KeyringPair {
  keyring ??= new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT });
  return keyring.addFromUri(uri);
}
