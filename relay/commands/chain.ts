/**
 * `webtensor chain`: the real subtensor runtime on this machine (chopsticks on a raw chain spec),
 * with a demo subnet bootstrapped and blocks built on a timer so that epochs come every few seconds.
 */
import type { Command } from '../cli.ts';
import { bootstrapSubnet, connectLocalClient, DEFAULT_CHAIN_SPEC, devNeurons, startLocalChain, TAO, type LocalChain } from '../chain/index.ts';
import { nextEpochBlock, type SubtensorClient } from '../../src/chain/client.ts';
import { parseOptions, UsageError } from './options.ts';

export interface LocalNetworkOptions {
  specPath?: string;
  port?: number;
  /** Milliseconds between blocks. */
  blockTimeMs?: number;
  tempo?: number;
  log: (line: string) => void;
}

export interface LocalNetwork {
  chain: LocalChain;
  client: SubtensorClient;
  netuid: number;
  stop(): Promise<void>;
}

/** Dev miner hotkeys `//Bob//miner{i}` registered on the demo subnet (the demo Node miners of `webtensor start`). */
export const DEMO_MINERS = 4;

/** Starts the local chain, creates the demo subnet (one staked validator hotkey, DEMO_MINERS miners) and builds blocks on a timer. */
export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const { log } = options;
  log(`chain: starting the subtensor runtime from ${options.specPath ?? DEFAULT_CHAIN_SPEC} (chopsticks)…`);
  const chain = await startLocalChain({ specPath: options.specPath, port: options.port, buildBlockMode: 'Manual' });
  log(`chain: RPC ready at ${chain.endpoint} after ${(chain.startupMs / 1000).toFixed(1)} s`);
  let client: SubtensorClient | undefined;
  try {
    client = await connectLocalClient(chain);
    const subnet = await bootstrapSubnet(chain, client, {
      neurons: devNeurons([1_000n * TAO], DEMO_MINERS),
      tempo: options.tempo ?? 10,
      log: (line) => log(`chain: ${line}`),
    });
    log(`chain: demo subnet netuid ${subnet.netuid}; validator hotkey ${subnet.neurons[0].hotkeyAddress} (//Alice//validator0)`);
    // Validator permits are handed out by the epoch: run the first one now, so the validator is a
    // validator (and miners answer it) from the start.
    const head = await client.head();
    await chain.newBlock(nextEpochBlock(subnet.netuid, options.tempo ?? 10, head.number) - head.number);
    let building = false;
    const timer = setInterval(() => {
      if (building) return;
      building = true;
      chain.newBlock().catch((error: Error) => log(`chain: block production failed: ${error.message}`)).finally(() => (building = false));
    }, options.blockTimeMs ?? 1_000);
    const connected = client;
    return {
      chain,
      client: connected,
      netuid: subnet.netuid,
      async stop() {
        clearInterval(timer);
        await connected.disconnect().catch(() => undefined);
        await chain.stop();
      },
    };
  } catch (error) {
    await client?.disconnect().catch(() => undefined);
    await chain.stop();
    throw error;
  }
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export const chainCommand: Command = {
  summary: 'run the local subtensor chain with a demo subnet (chopsticks on a raw chain spec)',
  usage: [
    'usage: webtensor chain [--chain-spec PATH] [--port N] [--block-time MS] [--tempo N]',
    '',
    `  --chain-spec PATH  raw subtensor chain spec (default ${DEFAULT_CHAIN_SPEC}, relative to the repository)`,
    '  --port N           RPC port on 127.0.0.1 (default 9945)',
    '  --block-time MS    build one block every MS milliseconds (default 1000)',
    '  --tempo N          blocks per epoch of the demo subnet (default 10)',
  ].join('\n'),
  async run(args) {
    let options;
    try {
      options = parseOptions(args, { 'chain-spec': { kind: 'string' }, port: { kind: 'int' }, 'block-time': { kind: 'int' }, tempo: { kind: 'int' } });
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`webtensor chain: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const network = await startLocalNetwork({
      specPath: options['chain-spec'],
      port: options.port ?? 9945,
      blockTimeMs: options['block-time'],
      tempo: options.tempo,
      log: (line) => console.log(line),
    });
    console.log(`chain: running; connect with --chain ${network.chain.endpoint}. Ctrl-C stops it.`);
    await untilSignal();
    await network.stop();
    return 0;
  },
};
