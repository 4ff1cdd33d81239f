/**
 * `webtensor register`: burned registration of a hotkey on a subnet (`burned_register(netuid,
 * hotkey)`, signed and paid by the coldkey). Prints the uid the hotkey got.
 */
import type { Command } from '../cli.ts';
import {
  exitUsage,
  formatTao,
  keyAddress,
  keyUsage,
  required,
  requireSubnet,
  runChainCommand,
  signingKey,
  txOptionSpec,
  txOptionUsage,
  withChain,
} from './chain-common.ts';
import { parseOptions } from './options.ts';

const registerOptions = { ...txOptionSpec, netuid: { kind: 'int' }, hotkey: { kind: 'string' }, coldkey: { kind: 'string' } } as const;

export const registerCommand: Command = {
  summary: 'register a hotkey on a subnet by burning TAO (burned_register), paid by the coldkey',
  usage: [
    'usage: webtensor register --netuid N --hotkey URI|SS58 --coldkey URI [--chain URL] [--timeout S]',
    '',
    '  --netuid N             the subnet',
    '  --hotkey URI|SS58      the hotkey to register (a secret or just its address; it does not sign)',
    '  --coldkey URI          the coldkey that signs and pays the burn (secret)',
    ...txOptionUsage,
    '',
    ...keyUsage,
    exitUsage,
  ].join('\n'),
  run: (args) =>
    runChainCommand('register', async () => {
      const options = parseOptions(args, registerOptions);
      const netuid = required(options.netuid, '--netuid');
      const hotkey = await keyAddress('register', 'hotkey', options.hotkey);
      const coldkey = await signingKey('register', 'coldkey', options.coldkey);
      return withChain(options, async (client) => {
        await requireSubnet(client, netuid);
        const { burn } = await client.hyperparameters(netuid);
        const outcome = await client.burnedRegister(coldkey, netuid, hotkey);
        const event = outcome.events.find((e) => e.section === 'subtensorModule' && e.method === 'NeuronRegistered');
        const uid = event ? Number(event.data[1]) : await client.uidOf(netuid, hotkey, outcome.blockHash);
        console.log(
          `registered hotkey ${hotkey} on netuid ${netuid} as uid ${uid ?? '?'} ` +
            `(coldkey ${coldkey.address}${burn !== undefined ? `, burn τ${formatTao(burn)}` : ''}, block ${outcome.blockNumber} ${outcome.blockHash})`,
        );
        return 0;
      });
    }),
};
