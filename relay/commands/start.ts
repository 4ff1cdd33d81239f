/**
 * `webtensor start` (`npm start`): the whole system on this machine, on embedded defaults —
 * the local chain with a demo subnet (when a chain spec is available; else consensus runs
 * off-chain, said plainly), the libp2p relay, and the PWA served with cross-origin isolation.
 * Prints the URL to open.
 */
import { createServer, type ViteDevServer } from 'vite';
import type { Command } from '../cli.ts';
import { ChainSpecNotFoundError, REPO_ROOT, resolveChainSpec } from '../chain/index.ts';
import { startRelay, type Relay } from '../relay/node.ts';
import { startLocalNetwork, untilSignal, type LocalNetwork } from './chain.ts';
import { parseOptions, UsageError } from './options.ts';

const optionSpec = {
  'chain-spec': { kind: 'string' },
  'no-chain': { kind: 'flag' },
  'chain-port': { kind: 'int' },
  port: { kind: 'int' },
  host: { kind: 'string' },
  'relay-port': { kind: 'int' },
} as const;

export const startCommand: Command = {
  summary: 'start the whole system locally (chain, relay, PWA) and print the URL to open',
  usage: [
    'usage: webtensor start [--chain-spec PATH | --no-chain] [--chain-port N] [--host H] [--port N]',
    '',
    '  --chain-spec PATH  raw subtensor chain spec (default ../shared/chain/subtensor-localnet-spec185.json)',
    '  --no-chain         run without a chain: consensus runs off-chain',
    '  --chain-port N     the local chain RPC port (default 9945)',
    '  --host H           where the PWA is served (default 127.0.0.1)',
    '  --port N           the PWA port (default 5173; the next free one if taken)',
    '  --relay-port N     the relay\'s WebSocket port (default 9090; its HTTP /health, /metrics, /bootstrap on N+1)',
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
      relay = await startRelay({ port: relayPort, httpPort: relayPort + 1, netuids: [network?.netuid ?? 1], log });

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
      await relay?.stop();
      await network?.stop();
    }
  },
};
