/**
 * The chain as a weight sink: `set_weights` signed by the validator's hotkey with the subnet's
 * weights version key. Failures (rate limit, wrong version key, chain down, dropped) throw with the
 * module error's name, so the validator's queue keeps the vector and retries it with backoff.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubtensorClient } from '../../src/chain/client.ts';
import { ChainTxError } from '../../src/chain/client.ts';
import type { WeightRow } from './store.ts';
import type { ValidatorConfig, WeightSink } from './validator.ts';

export function chainWeightSink(client: SubtensorClient, hotkey: KeyringPair, netuid: number): WeightSink {
  return {
    name: 'chain',
    async deliver(row: WeightRow) {
      try {
        await client.setWeights(hotkey, netuid, row.uids, row.weights);
      } catch (error) {
        if (error instanceof ChainTxError) throw new Error(`set_weights failed: ${error.errorName ?? error.kind} (${error.message})`);
        throw error;
      }
    },
  };
}

/**
 * What a validator on chain adds to its config: the chain as a weight sink, the chain client for
 * the per-epoch check, and the subnet's weights version key for gossiped vectors.
 */
export function onChain(client: SubtensorClient, hotkey: KeyringPair, netuid: number): Pick<ValidatorConfig, 'sinks' | 'chainClient' | 'versionKey'> {
  return {
    sinks: [chainWeightSink(client, hotkey, netuid)],
    chainClient: client,
    versionKey: async () => Number((await client.hyperparameters(netuid)).weightsVersionKey),
  };
}
