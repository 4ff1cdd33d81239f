/**
 * `webtensor start` (`npm start`): the whole system on this machine, on embedded defaults —
 * the local chain with a demo subnet (when a chain spec is available; else consensus runs
 * off-chain, said plainly), the libp2p relay, and the PWA served with cross-origin isolation.
 * Prints the URL to open.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type ViteDevServer } from 'vite';
import type { Command } from '../cli.ts';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { ChainSpecNotFoundError, REPO_ROOT, resolveChainSpec } from '../chain/index.ts';
import { startNodeMiner, type NodeMiner } from '../miner/node-miner.ts';
import { chainRegistry, fileRegistry, type Registry } from '../registry/registry.ts';
import { startRelay, type Relay } from '../relay/node.ts';
import { onChain } from '../validator/chain-sink.ts';
import { startValidator, type Validator } from '../validator/validator.ts';
import { DEMO_MINERS, startLocalNetwork, untilSignal, type LocalNetwork } from './chain.ts';
import { parseOptions, UsageError } from './options.ts';

const VALIDATOR_URI = '//Alice//validator0';
/** The demo miners' models, one per dev miner hotkey `//Bob//miner{i}`: a spread of quality. */
const DEMO_MODELS = ['garbage', 'linear', 'mlp', 'cnn'] as const;

const optionSpec = {
  'chain-spec': { kind: 'string' },
  'no-chain': { kind: 'flag' },
  'chain-port': { kind: 'int' },
  port: { kind: 'int' },
  host: { kind: 'string' },
  'relay-port': { kind: 'int' },
  'no-miners': { kind: 'flag' },
  'state-dir': { kind: 'string' },
} as const;

export const startCommand: Command = {
  summary: 'start the whole system locally (chain, relay, PWA) and print the URL to open',
  usage: [
    'usage: webtensor start [--chain-spec PATH | --no-chain] [--chain-port N] [--host H] [--port N] [--relay-port N] [--no-miners]',
    '',
    '  --chain-spec PATH  raw subtensor chain spec (default ../shared/chain/subtensor-localnet-spec185.json)',
    '  --no-chain         run without a chain: consensus runs off-chain',
    '  --chain-port N     the local chain RPC port (default 9945)',
    '  --host H           where the PWA is served (default 127.0.0.1)',
    '  --port N           the PWA port (default 5173; the next free one if taken)',
    '  --relay-port N     the relay\'s WebSocket port (default 9090; its HTTP /health, /metrics, /bootstrap on N+1,',
    '                     the validator\'s /health, /metrics, /scores on N+2)',
    `  --no-miners        no demo Node miners (default: ${DEMO_MODELS.length}, one per shipped model: ${DEMO_MODELS.join(', ')})`,
    '  --state-dir DIR    validator database and relay key (default .webtensor)',
  ].join('\n'),
  async run(args) {
    let options;
    try {
      options = parseOptions(args, optionSpec);
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`webtensor start: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const log = (line: string) => console.log(line);
    let network: LocalNetwork | undefined;
    let app: ViteDevServer | undefined;
    let relay: Relay | undefined;
    let validator: Validator | undefined;
    const miners: NodeMiner[] = [];
    const stateDir = options['state-dir'] ?? '.webtensor';
    try {
      if (options['no-chain']) {
        log('chain: off (--no-chain); consensus runs off-chain in webtensor (src/consensus)');
      } else {
        let specPath: string | undefined;
        try {
          specPath = resolveChainSpec(options['chain-spec']);
        } catch (error) {
          if (!(error instanceof ChainSpecNotFoundError)) throw error;
          if (options['chain-spec']) {
            console.error(`webtensor start: ${error.message}`);
            return 2;
          }
          log(`chain: none — ${error.message}; consensus runs off-chain in webtensor (src/consensus)`);
        }
        if (specPath) network = await startLocalNetwork({ specPath, port: options['chain-port'] ?? 9945, log });
      }

      const relayPort = options['relay-port'] ?? 9090;
      const netuid = network?.netuid ?? 1;
      relay = await startRelay({ port: relayPort, httpPort: relayPort + 1, netuids: [netuid], keyFile: `${stateDir}/relay.key`, log });

      // The validator and the demo miners: on chain, the subnet's metagraph says who is registered;
      // off chain, a registry file with the same dev hotkeys.
      await keysReady();
      const hotkey = keypair(VALIDATOR_URI);
      let registry: Registry;
      if (network) {
        registry = chainRegistry(network.client, netuid, 2_000);
      } else {
        const file = `${stateDir}/registry-${netuid}.json`;
        mkdirSync(stateDir, { recursive: true });
        const neurons = [
          { uid: 0, hotkey: hotkey.address, validatorPermit: true, stake: 1000 },
          ...DEMO_MODELS.map((_, i) => ({ uid: i + 1, hotkey: keypair(`//Bob//miner${i}`).address })),
        ];
        writeFileSync(file, `${JSON.stringify({ netuid, neurons }, null, 2)}\n`);
        registry = fileRegistry(file, netuid);
        log(`registry: ${file} (off-chain members: the validator and ${DEMO_MODELS.length} demo miners)`);
      }
      validator = await startValidator({
        relays: relay.multiaddrs,
        netuid,
        taskId: 'digits-v1',
        hotkey,
        registry,
        dbPath: `${stateDir}/validator-${netuid}.db`,
        http: { host: '127.0.0.1', port: relayPort + 2 },
        ...(network ? onChain(network.client, hotkey, netuid) : {}),
        log,
      });
      if (!options['no-miners']) {
        for (const [i, model] of DEMO_MODELS.slice(0, network ? DEMO_MINERS : DEMO_MODELS.length).entries()) {
          const m = await startNodeMiner({ relays: relay.multiaddrs, netuid, taskId: 'digits-v1', model, hotkey: keypair(`//Bob//miner${i}`), registry, log });
          miners.push(m);
        }
      }

      app = await createServer({
        root: REPO_ROOT,
        configFile: `${REPO_ROOT}/vite.config.ts`,
        server: { host: options.host ?? '127.0.0.1', port: options.port ?? 5173 },
        clearScreen: false,
        logLevel: 'warn',
      });
      await app.listen();
      const url = app.resolvedUrls?.local[0] ?? `http://${options.host ?? '127.0.0.1'}:${options.port ?? 5173}/`;
      log(`pwa: served with COOP/COEP (cross-origin isolated)`);
      log(`\nwebtensor is running. Open ${url}\nCtrl-C stops everything.`);
      await untilSignal();
      log('stopping…');
      return 0;
    } finally {
      await app?.close();
      for (const m of miners) await m.stop().catch(() => undefined);
      await validator?.stop().catch(() => undefined);
      await relay?.stop();
      await network?.stop();
    }
  },
};
