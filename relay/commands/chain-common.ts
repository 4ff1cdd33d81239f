/**
 * What the chain commands (`metagraph`, `register`, `stake`, `weights`) share: the common
 * options, a bounded connect, key resolution, TAO amounts, and the mapping of every failure to
 * one line on stderr and an exit code (0 ok, 1 failed, 2 bad arguments).
 */
import { connect as netConnect } from 'node:net';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { decodeAddress } from '@polkadot/util-crypto';
import { SubtensorClient } from '../../src/chain/client.ts';
import { keypair, keysReady } from '../../src/chain/keys.ts';
import { ChainTxError } from '../../src/chain/tx.ts';
import { UsageError, type OptionSpec } from './options.ts';
export const DEFAULT_CHAIN = 'ws://127.0.0.1:9945';
export const DEFAULT_CONNECT_TIMEOUT_S = 10;
export const DEFAULT_TX_TIMEOUT_S = 60;
export const RAO_PER_TAO = 1_000_000_000n;

/** Options every chain command takes. */
export const chainOptionSpec = {
  chain: { kind: 'string' },
  'connect-timeout': { kind: 'int' },
} as const satisfies Record<string, OptionSpec>;

/** Options of the commands that send an extrinsic. */
export const txOptionSpec = {
  ...chainOptionSpec,
  timeout: { kind: 'int' },
} as const satisfies Record<string, OptionSpec>;

/** Usage lines for the shared options. */
export const chainOptionUsage = [
  `  --chain URL            subtensor WebSocket endpoint (default $WEBTENSOR_CHAIN or ${DEFAULT_CHAIN},`,
  '                         where `webtensor chain` listens)',
  `  --connect-timeout S    give up connecting after S seconds (default ${DEFAULT_CONNECT_TIMEOUT_S})`,
];
export const txOptionUsage = [
  ...chainOptionUsage,
  `  --timeout S            give up when the extrinsic is not in a block after S seconds (default ${DEFAULT_TX_TIMEOUT_S})`,
];
export const keyUsage = [
  'Keys are sr25519 dev URIs (//Alice, //Alice//validator0), mnemonics (optionally with a //derivation)',
  'or 0x seeds, given as an option or in WEBTENSOR_HOTKEY / WEBTENSOR_COLDKEY. A mnemonic or seed on',
  'the command line is visible to other users of this machine (ps, /proc) and lands in shell history:',
  'put it in the environment variable instead.',
];
export const exitUsage = 'Exit codes: 0 ok; 1 failed (connection, unknown netuid, chain error by name); 2 bad arguments.';

/** A failure the user can act on, reported as one line (exit 1). */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** One line: collapses newlines and runs of whitespace. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The message for any error a chain command can meet. */
export function describeError(error: unknown): string {
  if (error instanceof ChainTxError) {
    const where = error.details.blockHash ? ` in block ${error.details.blockHash}` : '';
    if (error.kind === 'module' || error.kind === 'dispatch') {
      const docs = error.details.docs ? `: ${error.details.docs}` : '';
      return `${error.errorName ?? error.message}${docs} (${error.call}${where})`;
    }
    if (error.kind === 'timeout') return `${error.message} — is the chain producing blocks?`;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Runs a command body: UsageError → exit 2, anything else → exit 1, each as one line on stderr
 * prefixed with `webtensor <name>:`.
 */
export async function runChainCommand(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    console.error(`webtensor ${name}: ${oneLine(describeError(error))}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** The endpoint from `--chain`, `$WEBTENSOR_CHAIN` or the default; must be ws:// or wss://. */
export function chainEndpoint(option: string | undefined): string {
  const endpoint = option ?? process.env.WEBTENSOR_CHAIN ?? DEFAULT_CHAIN;
  if (!/^wss?:\/\/[^\s/]+/.test(endpoint)) throw new UsageError(`--chain expects a ws:// or wss:// URL, got "${endpoint}"`);
  return endpoint;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CliError(message())), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const NET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** A plain TCP connect to the endpoint's host and port: says precisely why a dead endpoint is dead. */
function tcpProbe(endpoint: string, timeoutMs: number, late: () => string): Promise<void> {
  const url = new URL(endpoint);
  const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new CliError(late()));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const why = (error.code && NET_ERRORS[error.code]) ?? error.message;
      reject(new CliError(`cannot connect to ${endpoint}: ${why}${error.code && NET_ERRORS[error.code] ? ` (${error.code})` : ''}`));
    });
  });
}

/**
 * A WebSocket handshake with the runtime's own WebSocket, closed again at once. `WsProvider` is only
 * used after this succeeded: when Node's WebSocket fails a handshake it fires no `close`, and the
 * provider then keeps a timer that holds the process open.
 */
function webSocketProbe(endpoint: string, timeoutMs: number, late: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(endpoint);
    } catch (error) {
      reject(new CliError(`cannot connect to ${endpoint}: ${describeError(error)}`));
      return;
    }
    const done = () => {
      clearTimeout(timer);
      ws.onopen = ws.onerror = ws.onclose = null;
      try {
        ws.close();
      } catch {
        /* already closed */
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new CliError(late()));
    }, timeoutMs);
    ws.onopen = () => {
      done();
      resolve();
    };
    ws.onerror = ws.onclose = () => {
      done();
      reject(new CliError(`cannot connect to ${endpoint}: the server accepted the connection but refused the WebSocket handshake`));
    };
  });
}

/**
 * Connects once (no retry loop, so a dead endpoint fails at once) and loads the runtime metadata,
 * the whole within `timeoutMs`. Failures throw a `CliError` naming the endpoint.
 */
export async function connectChain(endpoint: string, options: { connectTimeoutMs: number; txTimeoutMs?: number }): Promise<SubtensorClient> {
  const { connectTimeoutMs } = options;
  const deadline = Date.now() + connectTimeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const late = () => `cannot connect to ${endpoint}: no answer within ${connectTimeoutMs / 1000} s`;
  await tcpProbe(endpoint, left(), late);
  await webSocketProbe(endpoint, left(), () => `cannot connect to ${endpoint}: no WebSocket handshake within ${connectTimeoutMs / 1000} s`);
  // No auto-reconnect: a connection that drops fails the pending requests instead of retrying forever.
  const provider = new WsProvider(endpoint, false, {}, Math.max(connectTimeoutMs, 30_000));
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        provider.on('connected', () => resolve());
        provider.on('error', () => reject(new CliError(`cannot connect to ${endpoint}: the WebSocket connection failed`)));
        provider.connect().catch((error: unknown) => reject(new CliError(`cannot connect to ${endpoint}: ${describeError(error)}`)));
      }),
      left(),
      late,
    );
    const api = await withTimeout(
      ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true }).catch((error: unknown) => {
        throw new CliError(`cannot load the runtime from ${endpoint}: ${describeError(error)}`);
      }),
      left(),
      () => `cannot connect to ${endpoint}: the runtime metadata did not arrive within ${connectTimeoutMs / 1000} s`,
    );
    // The client wraps an API it does not own: `withChain` closes it.
    return await SubtensorClient.connect(api, { txTimeoutMs: options.txTimeoutMs });
  } catch (error) {
    await provider.disconnect().catch(() => undefined);
    throw error;
  }
}

/** Connects with the shared options, runs `body`, and always closes the connection. */
export async function withChain<T>(
  options: { chain?: string; 'connect-timeout'?: number; timeout?: number },
  body: (client: SubtensorClient) => Promise<T>,
): Promise<T> {
  const endpoint = chainEndpoint(options.chain);
  const connectTimeoutS = options['connect-timeout'] ?? DEFAULT_CONNECT_TIMEOUT_S;
  if (connectTimeoutS < 1) throw new UsageError('--connect-timeout must be at least 1 second');
  const txTimeoutS = options.timeout ?? DEFAULT_TX_TIMEOUT_S;
  if (txTimeoutS < 1) throw new UsageError('--timeout must be at least 1 second');
  const client = await connectChain(endpoint, { connectTimeoutMs: connectTimeoutS * 1000, txTimeoutMs: txTimeoutS * 1000 });
  try {
    return await body(client);
  } finally {
    await client.api.disconnect().catch(() => undefined);
  }
}

/** Throws a CliError when the subnet does not exist, listing the ones that do. */
export async function requireSubnet(client: SubtensorClient, netuid: number): Promise<void> {
  const netuids = await client.netuids();
  if (!netuids.includes(netuid)) {
    throw new CliError(`netuid ${netuid} does not exist on this chain (subnets: ${netuids.join(', ') || 'none'})`);
  }
}

/** A required option, else a UsageError. */
export function required<T>(value: T | undefined, option: string): T {
  if (value === undefined) throw new UsageError(`${option} is required`);
  return value;
}

/** Whether a string is an SS58 address (any prefix, valid checksum). */
export function isAddress(value: string): boolean {
  if (value.startsWith('/') || value.startsWith('0x') || /\s/.test(value)) return false;
  try {
    decodeAddress(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a secret has a form the keyring reads as intended: a dev URI (`//Alice//validator0`), a
 * mnemonic of 12-24 words or a 0x 32-byte seed, each optionally followed by derivations. (The
 * keyring would take any other short string as a raw seed: a typo would silently be another key.)
 */
export function isSecretUri(value: string): boolean {
  if (value.startsWith('/')) return /^(\/\/?[^/]+)+(\/\/\/.*)?$/.test(value);
  const slash = value.indexOf('/');
  const phrase = (slash === -1 ? value : value.slice(0, slash)).trim();
  if (/^0x[0-9a-fA-F]{64}$/.test(phrase)) return true;
  const words = phrase.split(/\s+/);
  return [12, 15, 18, 21, 24].includes(words.length) && words.every((w) => /^[a-z]+$/.test(w));
}

type KeyRole = 'hotkey' | 'coldkey';

function keyInput(role: KeyRole, option: string | undefined): { value: string; source: string } {
  const env = `WEBTENSOR_${role.toUpperCase()}`;
  if (option !== undefined) return { value: option, source: `--${role}` };
  const fromEnv = process.env[env];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: env };
  throw new UsageError(`--${role} (or ${env}) is required`);
}

/**
 * A signing key from `--hotkey` / `--coldkey` or `WEBTENSOR_HOTKEY` / `WEBTENSOR_COLDKEY`. The secret
 * is never echoed in errors. A secret other than a dev URI on the command line gets a warning.
 */
export async function signingKey(command: string, role: KeyRole, option: string | undefined): Promise<KeyringPair> {
  const { value, source } = keyInput(role, option);
  if (isAddress(value)) throw new UsageError(`${source} must be a secret (dev URI, mnemonic or seed) to sign with, not an address`);
  if (!isSecretUri(value)) {
    throw new UsageError(`${source} is not a dev URI (//Alice), a 12-24 word mnemonic or a 0x 32-byte seed (each optionally with //derivations)`);
  }
  await keysReady();
  let pair: KeyringPair;
  try {
    pair = keypair(value);
  } catch {
    throw new UsageError(`${source} is not a valid dev URI, mnemonic or seed`);
  }
  if (source.startsWith('--') && !value.startsWith('//')) {
    console.error(
      `webtensor ${command}: warning: a secret given as ${source} is visible to other users of this machine; ` +
        `use WEBTENSOR_${role.toUpperCase()} instead`,
    );
  }
  return pair;
}

/** An address: an SS58 address as is, or the public key of a secret (see `signingKey`). */
export async function keyAddress(command: string, role: KeyRole, option: string | undefined): Promise<string> {
  const { value } = keyInput(role, option);
  if (isAddress(value)) return value;
  return (await signingKey(command, role, option)).address;
}

/** `12.5` → 12_500_000_000n rao; up to 9 decimals, positive. */
export function parseTao(text: string, option = '--amount'): bigint {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) throw new UsageError(`${option} expects an amount of TAO such as 12.5 (at most 9 decimals), got "${text}"`);
  const rao = BigInt(match[1]) * RAO_PER_TAO + BigInt((match[2] ?? '').padEnd(9, '0'));
  if (rao === 0n) throw new UsageError(`${option} must be more than 0`);
  return rao;
}

/** Rao → TAO with `decimals` decimals (truncated, exact: no float). */
export function formatTao(rao: bigint, decimals = 9): string {
  const negative = rao < 0n;
  const abs = negative ? -rao : rao;
  const whole = abs / RAO_PER_TAO;
  const frac = (abs % RAO_PER_TAO).toString().padStart(9, '0').slice(0, decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''}`;
}

/** Rao → TAO as a JS number (for JSON next to the exact rao string). */
export function raoToTaoNumber(rao: bigint): number {
  return Number(rao / RAO_PER_TAO) + Number(rao % RAO_PER_TAO) / 1e9;
}

/** `5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY` → `5GrwvaEF…oHGKutQY`. */
export function shortAddress(address: string): string {
  return address.length > 18 ? `${address.slice(0, 8)}…${address.slice(-8)}` : address;
}
