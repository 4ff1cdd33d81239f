/**
 * `webtensor weights`: sets a hotkey's weights on a subnet (`set_weights(netuid, uids, weights,
 * version_key)`, signed by the hotkey). Float weights are converted as bittensor's
 * `convert_weights_and_uids_for_emit` does, i.e. as the chain stores them: scaled so the largest is
 * 65535 ("max-upscaled"), rounded, zeros dropped. `--u16` sends integers as given. The version key
 * is the subnet's `WeightsVersionKey` unless `--version-key` says otherwise.
 */
import type { Command } from '../cli.ts';
import {
  exitUsage,
  keyUsage,
  required,
  requireSubnet,
  runChainCommand,
  signingKey,
  txOptionSpec,
  txOptionUsage,
  withChain,
} from './chain-common.ts';
import { parseOptions, UsageError } from './options.ts';

const U16_MAX = 65535;

/** `1,2,3` → [1, 2, 3]: u16 uids, no duplicates. */
export function parseUids(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const uids = parts.map((part) => {
    if (!/^\d+$/.test(part) || Number(part) > U16_MAX) throw new UsageError(`--uids expects comma-separated uids (0-65535), got "${text}"`);
    return Number(part);
  });
  const seen = new Set<number>();
  for (const uid of uids) {
    if (seen.has(uid)) throw new UsageError(`--uids lists uid ${uid} twice`);
    seen.add(uid);
  }
  return uids;
}

/** `0.5,0.3,0.2` → [0.5, 0.3, 0.2] (finite, ≥ 0); with `u16`, integers 0-65535. */
export function parseWeights(text: string, u16: boolean): number[] {
  return text.split(',').map((s) => s.trim()).map((part) => {
    if (u16) {
      if (!/^\d+$/.test(part) || Number(part) > U16_MAX) throw new UsageError(`--weights with --u16 expects integers 0-65535, got "${part}"`);
      return Number(part);
    }
    const value = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(part) ? Number(part) : Number.NaN;
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--weights expects non-negative numbers, got "${part}"`);
    return value;
  });
}

/**
 * Float weights → the u16 values the chain stores, as bittensor's `convert_weights_and_uids_for_emit`:
 * divide by the largest (so it becomes 65535), round, and drop uids whose value rounds to 0.
 * Normalising to a sum of 1 first changes nothing (the max-upscale cancels it).
 */
export function floatWeightsToU16(uids: number[], weights: number[]): { uids: number[]; weights: number[] } {
  if (uids.length !== weights.length) throw new UsageError(`--uids has ${uids.length} entries but --weights has ${weights.length}`);
  const max = Math.max(0, ...weights);
  if (!(max > 0)) throw new UsageError('--weights are all zero: nothing to set');
  const out = { uids: [] as number[], weights: [] as number[] };
  uids.forEach((uid, i) => {
    const value = Math.round((weights[i] / max) * U16_MAX);
    if (value !== 0) {
      out.uids.push(uid);
      out.weights.push(value);
    }
  });
  return out;
}

const weightsOptions = {
  ...txOptionSpec,
  netuid: { kind: 'int' },
  hotkey: { kind: 'string' },
  uids: { kind: 'string' },
  weights: { kind: 'string' },
  u16: { kind: 'flag' },
  'version-key': { kind: 'int' },
} as const;

export const weightsCommand: Command = {
  summary: "set a hotkey's weights on a subnet (set_weights), floats max-upscaled to u16",
  usage: [
    'usage: webtensor weights --netuid N --hotkey URI --uids 1,2,3 --weights 0.5,0.3,0.2 [--u16]',
    '                         [--version-key N] [--chain URL] [--timeout S]',
    '',
    '  --netuid N             the subnet',
    '  --hotkey URI           the registered hotkey that signs (secret)',
    '  --uids LIST            comma-separated target uids',
    '  --weights LIST         comma-separated weights, one per uid: non-negative numbers, scaled so that',
    '                         the largest is 65535 and rounded, as the chain stores them (zeros dropped)',
    '  --u16                  the weights are u16 integers, sent as given',
    "  --version-key N        weights version key (default: the subnet's WeightsVersionKey)",
    ...txOptionUsage,
    '',
    ...keyUsage,
    'Chain rejections are reported by name, e.g. SubtensorModule.SettingWeightsTooFast.',
    exitUsage,
  ].join('\n'),
  run: (args) =>
    runChainCommand('weights', async () => {
      const options = parseOptions(args, weightsOptions);
      const netuid = required(options.netuid, '--netuid');
      const uids = parseUids(required(options.uids, '--uids'));
      const raw = parseWeights(required(options.weights, '--weights'), options.u16 === true);
      if (uids.length !== raw.length) throw new UsageError(`--uids has ${uids.length} entries but --weights has ${raw.length}`);
      const send = options.u16 ? { uids, weights: raw } : floatWeightsToU16(uids, raw);
      const versionKey = options['version-key'] !== undefined ? BigInt(options['version-key']) : undefined;
      const hotkey = await signingKey('weights', 'hotkey', options.hotkey);
      return withChain(options, async (client) => {
        await requireSubnet(client, netuid);
        const key = versionKey ?? (await client.hyperparameters(netuid)).weightsVersionKey;
        const outcome = await client.setWeights(hotkey, netuid, send.uids, send.weights, key);
        const uid = await client.uidOf(netuid, hotkey.address, outcome.blockHash);
        console.log(
          `set weights of uid ${uid ?? '?'} (hotkey ${hotkey.address}) on netuid ${netuid}: ` +
            `uids [${send.uids.join(', ')}] u16 [${send.weights.join(', ')}] ` +
            `(version key ${key}, block ${outcome.blockNumber} ${outcome.blockHash})`,
        );
        return 0;
      });
    }),
};
