/**
 * What the network commands (`validator`, `mine`) share: relay addresses (multiaddrs or a relay's
 * HTTP URL, repeatable), the subnet and its task, the hotkey, where the subnet's members come from
 * (a registry file or the chain), `--config FILE` (a JSON object whose keys are the long option
 * names; flags win), and waiting for SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import type { KeyringPair } from '@polkadot/keyring/types';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import type { SubtensorClient } from '../../src/chain/client.ts';
import { resolveRelays } from '../../src/p2p/index.ts';
import { getSubnet, SUBNETS } from '../../src/subnets/index.ts';
import { chainRegistry, fileRegistry, type Registry } from '../registry/registry.ts';
import { chainEndpoint, connectChain, DEFAULT_CONNECT_TIMEOUT_S } from './chain-common.ts';
import { parseOptions, UsageError, type OptionSpec } from './options.ts';

export const DEFAULT_RELAY_HTTP = 'http://127.0.0.1:9091';

export const networkOptionSpec = {
  config: { kind: 'string' },
  netuid: { kind: 'int' },
  task: { kind: 'string' },
  hotkey: { kind: 'string' },
  registry: { kind: 'string' },
  chain: { kind: 'string' },
} as const satisfies Record<string, OptionSpec>;

export const networkOptionUsage = [
  `  --relay ADDR         relay multiaddr (/ip4/…/ws/p2p/12D3…) or its HTTP URL (reads /bootstrap);`,
  `                       repeatable or comma separated (default ${DEFAULT_RELAY_HTTP})`,
  '  --netuid N           subnet (default 1)',
  `  --task ID            the subnet's task spec: ${SUBNETS.map((s) => s.id).join(', ')} (default digits-v1)`,
  '  --hotkey URI         sr25519 dev URI or mnemonic (or $WEBTENSOR_HOTKEY)',
  '  --registry FILE      subnet members from a registry file (JSON: {"netuid", "neurons": [{uid, hotkey,',
  '                       validatorPermit, stake}]}) ...',
  '  --chain URL          ... or from the chain\'s metagraph (ws://127.0.0.1:9945 for `webtensor chain`)',
  '  --config FILE        JSON object whose keys are these long option names (e.g. {"relay": [...],',
  '                       "netuid": 1}); flags win',
];

/** Splits out the repeatable `--relay` values, then parses the rest strictly. */
export function parseNetworkArgs<S extends Record<string, OptionSpec>>(args: string[], spec: S) {
  const relays: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--relay' || arg.startsWith('--relay=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError('--relay needs a value');
      relays.push(...value.split(',').map((v) => v.trim()).filter(Boolean));
    } else {
      rest.push(arg);
    }
  }
  const cli = parseOptions(rest, { ...networkOptionSpec, ...spec });
  const file = cli.config ? readConfig(cli.config as string, { ...networkOptionSpec, ...spec }) : { options: {}, relays: [] };
  return {
    options: { ...file.options, ...cli } as typeof cli,
    relays: relays.length > 0 ? relays : file.relays,
  };
}

function readConfig(path: string, spec: Record<string, OptionSpec>): { options: Record<string, unknown>; relays: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`--config ${path}: expected a JSON object`);
  const options: Record<string, unknown> = {};
  let relays: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'relay') {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => typeof v === 'string')) throw new UsageError(`--config ${path}: "relay" must be a string or a list of strings`);
      relays = list as string[];
      continue;
    }
    const option = spec[key];
    if (!option || key === 'config') throw new UsageError(`--config ${path}: unknown key "${key}"`);
    const ok =
      option.kind === 'flag' ? typeof value === 'boolean' : option.kind === 'int' ? Number.isInteger(value) && (value as number) >= 0 : typeof value === 'string';
    if (!ok) throw new UsageError(`--config ${path}: "${key}" must be ${option.kind === 'flag' ? 'true or false' : option.kind === 'int' ? 'a non-negative integer' : 'a string'}`);
    options[key] = value;
  }
  return { options, relays };
}

export async function relaysFrom(entries: string[]): Promise<string[]> {
  return resolveRelays(entries.length > 0 ? entries : [DEFAULT_RELAY_HTTP]);
}

export function taskFrom(id: string | undefined): string {
  const task = id ?? 'digits-v1';
  if (!getSubnet(task)) throw new UsageError(`--task "${task}" is not one of ${SUBNETS.map((s) => s.id).join(', ')}`);
  return task;
}

export async function hotkeyFrom(uri: string | undefined, what: string): Promise<KeyringPair> {
  const value = uri ?? process.env.WEBTENSOR_HOTKEY;
  if (!value) throw new UsageError(`${what} needs --hotkey (or $WEBTENSOR_HOTKEY)`);
  await keysReady();
  try {
    return keypair(value);
  } catch (error) {
    throw new UsageError(`--hotkey: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The registry file, or the chain's metagraph (the client is returned for the caller to close). */
export async function registryFrom(options: { registry?: string; chain?: string }, netuid: number): Promise<{ registry: Registry; client?: SubtensorClient }> {
  if (options.registry && options.chain) throw new UsageError('give --registry or --chain, not both');
  if (options.registry) {
    const registry = fileRegistry(options.registry, netuid);
    await registry.members(); // fail now on a bad file, with its message
    return { registry };
  }
  if (!options.chain) throw new UsageError('say where the subnet members come from: --registry FILE or --chain URL');
  const client = await connectChain(chainEndpoint(options.chain), { connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_S * 1000 });
  return { registry: chainRegistry(client, netuid), client };
}

export { untilSignal } from './chain.ts';
