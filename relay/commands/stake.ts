/**
 * `webtensor stake`: adds stake from a coldkey to a hotkey (`add_stake`). The call's shape comes
 * from the runtime metadata: `(hotkey, amount)` before dTAO, `(hotkey, netuid, amount)` on dTAO
 * runtimes, where `--netuid` is then required.
 */
import type { Codec } from '@polkadot/types/types';
import type { Command } from '../cli.ts';
import type { SubtensorClient } from '../../src/chain/client.ts';
import {
  exitUsage,
  formatTao,
  keyAddress,
  keyUsage,
  parseTao,
  required,
  requireSubnet,
  runChainCommand,
  signingKey,
  txOptionSpec,
  txOptionUsage,
  withChain,
} from './chain-common.ts';
import { parseOptions, UsageError } from './options.ts';

const stakeOptions = {
  ...txOptionSpec,
  hotkey: { kind: 'string' },
  coldkey: { kind: 'string' },
  amount: { kind: 'string' },
  netuid: { kind: 'int' },
} as const;

type Storage = (...args: unknown[]) => Promise<Codec>;

/** The hotkey's total stake after the call: `TotalHotkeyStake` (TAO) or, on dTAO, `TotalHotkeyAlpha` on the subnet. */
async function hotkeyStake(client: SubtensorClient, hotkey: string, netuid: number | undefined, blockHash: string): Promise<string | undefined> {
  const query = (await client.api.at(blockHash)).query as unknown as Record<string, Record<string, Storage | undefined> | undefined>;
  const pallet = query.subtensorModule ?? {};
  if (pallet.totalHotkeyStake) return `τ${formatTao(BigInt((await pallet.totalHotkeyStake(hotkey)).toString()))}`;
  if (pallet.totalHotkeyAlpha && netuid !== undefined) {
    return `${formatTao(BigInt((await pallet.totalHotkeyAlpha(hotkey, netuid)).toString()))} alpha on netuid ${netuid}`;
  }
  return undefined;
}

export const stakeCommand: Command = {
  summary: 'add stake from a coldkey to a hotkey (add_stake); --netuid on dTAO runtimes',
  usage: [
    'usage: webtensor stake --hotkey URI|SS58 --coldkey URI --amount TAO [--netuid N] [--chain URL] [--timeout S]',
    '',
    '  --hotkey URI|SS58      the hotkey to stake to (a secret or just its address)',
    '  --coldkey URI          the coldkey that signs and pays (secret)',
    '  --amount TAO           TAO to stake, e.g. 12.5 (at most 9 decimals)',
    '  --netuid N             the subnet: required on dTAO runtimes (add_stake takes a netuid there);',
    '                         checked but unused on older runtimes, where stake is not per subnet',
    ...txOptionUsage,
    '',
    ...keyUsage,
    exitUsage,
  ].join('\n'),
  run: (args) =>
    runChainCommand('stake', async () => {
      const options = parseOptions(args, stakeOptions);
      const amount = parseTao(required(options.amount, '--amount'));
      const hotkey = await keyAddress('stake', 'hotkey', options.hotkey);
      const coldkey = await signingKey('stake', 'coldkey', options.coldkey);
      const netuid = options.netuid;
      return withChain(options, async (client) => {
        const perSubnet = client.callArgs('subtensorModule', 'addStake').includes('netuid');
        if (perSubnet && netuid === undefined) throw new UsageError("--netuid is required: this runtime's add_stake is per subnet (dTAO)");
        if (netuid !== undefined) await requireSubnet(client, netuid);
        // Pre-dTAO add_stake has no netuid argument: buildCall ignores the value.
        const outcome = await client.addStake(coldkey, hotkey, netuid ?? 0, amount);
        const total = await hotkeyStake(client, hotkey, perSubnet ? netuid : undefined, outcome.blockHash);
        console.log(
          `staked τ${formatTao(amount)} from coldkey ${coldkey.address} to hotkey ${hotkey}` +
            `${perSubnet ? ` on netuid ${netuid}` : ''} (block ${outcome.blockNumber} ${outcome.blockHash})` +
            `${total !== undefined ? `; hotkey stake now ${total}` : ''}`,
        );
        return 0;
      });
    }),
};
