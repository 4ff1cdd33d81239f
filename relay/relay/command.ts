/**
 * `webtensor relay`: run the libp2p relay (WebSockets, circuit relay v2, gossipsub with webtensor
 * topic validators) and its HTTP endpoints (/health, /metrics, /bootstrap) until SIGINT/SIGTERM.
 * Options come from defaults, then `--config FILE` (JSON, RelayConfig's keys), then the flags.
 */
import { readFileSync } from 'node:fs';
import type { Command } from '../cli.ts';
import { parseOptions, UsageError } from '../commands/options.ts';
import { DEFAULT_RELAY_CONFIG, resolveConfig, startRelay, type RelayConfig } from './node.ts';

const optionSpec = {
  config: { kind: 'string' },
  host: { kind: 'string' },
  port: { kind: 'int' },
  'http-port': { kind: 'int' },
  'key-file': { kind: 'string' },
} as const;

/** Options that may repeat (or take a comma list); taken out before the strict parser sees them. */
const REPEATABLE = ['netuid', 'announce'] as const;

const CONFIG_KEYS = new Set(Object.keys(DEFAULT_RELAY_CONFIG));

export const relayCommand: Command = {
  summary: 'run the libp2p relay (WebSockets, circuit relay, gossipsub) with /health, /metrics, /bootstrap',
  usage: [
    'usage: webtensor relay [--config FILE] [--host H] [--port N] [--http-port N] [--announce MA]... [--key-file PATH] [--netuid N]...',
    '',
    '  --config FILE     JSON object with any of the keys below (camelCase: host, port, httpPort, announce,',
    '                    keyFile, netuids, maxReservations, maxConnections, maxIncomingPendingConnections,',
    '                    inboundConnectionThreshold, meshD, meshDlo, meshDhi, maxMessageAgeMs); flags win',
    `  --host H          interface for the WebSocket listener and HTTP (default ${DEFAULT_RELAY_CONFIG.host})`,
    `  --port N          WebSocket port (default ${DEFAULT_RELAY_CONFIG.port}; 0 = any free)`,
    `  --http-port N     HTTP port for /health, /metrics, /bootstrap (default ${DEFAULT_RELAY_CONFIG.httpPort})`,
    '  --announce MA     multiaddr to announce instead of the listen address, e.g. /dns4/relay.example/tcp/443/wss',
    '                    (repeatable or comma separated)',
    `  --key-file PATH   Ed25519 identity, created on first start (default ${DEFAULT_RELAY_CONFIG.keyFile})`,
    `  --netuid N        subnet whose topics to join and validate (repeatable or comma list; default ${DEFAULT_RELAY_CONFIG.netuids.join(',')})`,
  ].join('\n'),
  async run(args) {
    let config: RelayConfig;
    try {
      config = configFromArgs(args);
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`webtensor relay: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const relay = await startRelay({ ...config, log: (line) => console.log(line) });
    console.log(`relay: peer ${relay.peerId}`);
    for (const ma of relay.multiaddrs) console.log(`relay: ${ma}`);
    console.log(`relay: bootstrap ${relay.httpUrl}/bootstrap`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    console.log(`relay: ${signal}, stopping`);
    await relay.stop();
    return 0;
  },
};

/** Defaults ← --config FILE ← flags. Throws UsageError for anything a user typed wrong. */
export function configFromArgs(args: string[]): RelayConfig {
  const repeated: Record<(typeof REPEATABLE)[number], string[]> = { netuid: [], announce: [] };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const name = REPEATABLE.find((n) => arg === `--${n}` || arg.startsWith(`--${n}=`));
    if (!name) {
      rest.push(arg);
      continue;
    }
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
    if (value === undefined || (!arg.includes('=') && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    repeated[name].push(...value.split(',').map((v) => v.trim()).filter((v) => v !== ''));
  }
  const options = parseOptions(rest, optionSpec);

  const partial: Partial<RelayConfig> = options.config ? readConfigFile(options.config) : {};
  if (options.host !== undefined) partial.host = options.host;
  if (options.port !== undefined) partial.port = options.port;
  if (options['http-port'] !== undefined) partial.httpPort = options['http-port'];
  if (options['key-file'] !== undefined) partial.keyFile = options['key-file'];
  if (repeated.announce.length > 0) partial.announce = repeated.announce;
  if (repeated.netuid.length > 0) {
    partial.netuids = repeated.netuid.map((v) => {
      if (!/^\d+$/.test(v) || Number(v) > 0xffff) throw new UsageError(`--netuid expects a u16, got "${v}"`);
      return Number(v);
    });
  }
  try {
    return resolveConfig(partial);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function readConfigFile(path: string): Partial<RelayConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${path}: expected a JSON object`);
  const config = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(config)) {
    if (!CONFIG_KEYS.has(key)) throw new UsageError(`--config ${path}: unknown key "${key}"`);
    const expected = DEFAULT_RELAY_CONFIG[key as keyof typeof DEFAULT_RELAY_CONFIG];
    const ok = Array.isArray(expected)
      ? Array.isArray(value) && value.every((v) => typeof v === typeof (key === 'netuids' ? 0 : ''))
      : typeof value === typeof expected;
    if (!ok) throw new UsageError(`--config ${path}: "${key}" has the wrong type`);
  }
  return config as Partial<RelayConfig>;
}
