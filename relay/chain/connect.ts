import { SubtensorClient, type ConnectOptions } from '../../src/chain/client.ts';
import type { LocalChain } from './launcher.ts';

/** A client on a local chain; in `Manual` block mode it builds a block after each submission. */
export function connectLocalClient(chain: LocalChain, options: ConnectOptions = {}): Promise<SubtensorClient> {
  return SubtensorClient.connect(chain.endpoint, {
    ...(chain.buildBlockMode === 'Manual' ? { blockProducer: (count: number) => chain.newBlock(count) } : {}),
    ...options,
  });
}
