/**
 * `webtensor mine`: a headless Node miner on onnxruntime-node — the same miner logic as the browser
 * tab — answering challenges from permitted validators until SIGINT/SIGTERM.
 */
import type { Command } from '../cli.ts';
import { UsageError } from '../commands/options.ts';
import { hotkeyFrom, networkOptionUsage, parseNetworkArgs, registryFrom, relaysFrom, taskFrom, untilSignal } from '../commands/network-common.ts';
import { startNodeMiner } from './node-miner.ts';

const spec = {
  model: { kind: 'string' },
  threads: { kind: 'int' },
} as const;

export const mineCommand: Command = {
  summary: 'mine from Node with onnxruntime-node (headless miner, load tests, demo miners)',
  usage: [
    'usage: webtensor mine --hotkey URI --model ID|FILE.onnx (--registry FILE | --chain URL) [options]',
    '',
    ...networkOptionUsage,
    '  --model ID|FILE      a model shipped for the task (digits-v1: garbage, linear, mlp, cnn) or an .onnx file',
    '  --threads N          onnxruntime-node intra-op threads (default 1)',
  ].join('\n'),
  async run(args) {
    let parsed;
    try {
      parsed = parseNetworkArgs(args, spec);
      if (!parsed.options.model) throw new UsageError('--model is required');
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`webtensor mine: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const { options, relays: relayArgs } = parsed;
    const netuid = options.netuid ?? 1;
    const miner = await startNodeMiner({
      relays: await relaysFrom(relayArgs),
      netuid,
      taskId: taskFrom(options.task),
      model: options.model!,
      hotkey: await hotkeyFrom(options.hotkey, 'the miner'),
      registry: (await registryFrom(options, netuid)).registry,
      threads: options.threads,
      log: (line) => console.log(line),
    });
    const signal = await untilSignal();
    console.log(`miner: ${signal}, stopping`);
    await miner.stop();
    return 0;
  },
};
