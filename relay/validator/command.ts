/**
 * `webtensor validator`: challenge the subnet's miners through the relay, score them, keep the
 * scores in SQLite and set weights (signed gossip, and `set_weights` on chain with --chain) until
 * SIGINT/SIGTERM. A restart with the same --db carries on from the last committed round.
 */
import type { Command } from '../cli.ts';
import { UsageError } from '../commands/options.ts';
import { hotkeyFrom, networkOptionUsage, parseNetworkArgs, registryFrom, relaysFrom, taskFrom, untilSignal } from '../commands/network-common.ts';
import { onChain } from './chain-sink.ts';
import { DEFAULT_VALIDATOR_CONFIG, startValidator } from './validator.ts';

const spec = {
  db: { kind: 'string' },
  'round-ms': { kind: 'int' },
  sample: { kind: 'int' },
  batch: { kind: 'int' },
  'timeout-ms': { kind: 'int' },
  'weights-every': { kind: 'int' },
  'http-host': { kind: 'string' },
  'http-port': { kind: 'int' },
} as const;

export const validatorCommand: Command = {
  summary: 'challenge and score miners, keep scores in SQLite, set weights (gossip and chain)',
  usage: [
    'usage: webtensor validator --hotkey URI (--registry FILE | --chain URL) [options]',
    '',
    ...networkOptionUsage,
    '  --db PATH            SQLite state (default .webtensor/validator-<netuid>.db)',
    `  --round-ms N         pause between rounds (default ${DEFAULT_VALIDATOR_CONFIG.roundIntervalMs})`,
    `  --sample N           miners challenged per round (default ${DEFAULT_VALIDATOR_CONFIG.samplePerRound})`,
    '  --batch N            items per challenge (default: the task\'s)',
    `  --timeout-ms N       time a miner has to answer (default ${DEFAULT_VALIDATOR_CONFIG.timeoutMs})`,
    `  --weights-every N    set weights every N rounds (default ${DEFAULT_VALIDATOR_CONFIG.weightsEveryRounds})`,
    `  --http-host H        /health, /metrics, /scores (default ${DEFAULT_VALIDATOR_CONFIG.http.host})`,
    `  --http-port N        (default ${DEFAULT_VALIDATOR_CONFIG.http.port}; 0 = any free)`,
  ].join('\n'),
  async run(args) {
    let parsed;
    try {
      parsed = parseNetworkArgs(args, spec);
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`webtensor validator: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const { options, relays: relayArgs } = parsed;
    const netuid = options.netuid ?? 1;
    const taskId = taskFrom(options.task);
    const hotkey = await hotkeyFrom(options.hotkey, 'the validator');
    const relays = await relaysFrom(relayArgs);
    const { registry, client } = await registryFrom(options, netuid);
    const validator = await startValidator({
      relays,
      netuid,
      taskId,
      hotkey,
      registry,
      dbPath: options.db ?? `.webtensor/validator-${netuid}.db`,
      roundIntervalMs: options['round-ms'] ?? DEFAULT_VALIDATOR_CONFIG.roundIntervalMs,
      samplePerRound: options.sample ?? DEFAULT_VALIDATOR_CONFIG.samplePerRound,
      batch: options.batch,
      timeoutMs: options['timeout-ms'] ?? DEFAULT_VALIDATOR_CONFIG.timeoutMs,
      weightsEveryRounds: options['weights-every'] ?? DEFAULT_VALIDATOR_CONFIG.weightsEveryRounds,
      http: { host: options['http-host'] ?? DEFAULT_VALIDATOR_CONFIG.http.host, port: options['http-port'] ?? DEFAULT_VALIDATOR_CONFIG.http.port },
      ...(client ? onChain(client, hotkey, netuid) : {}),
      log: (line) => console.log(line),
    });
    const signal = await untilSignal();
    console.log(`validator: ${signal}, stopping`);
    await validator.stop();
    await client?.disconnect();
    return 0;
  },
};
